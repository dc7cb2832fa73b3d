/**
 * Health of the mounts ({@code /actuator/health/fuse}).
 */
package io.github.fusespringboot.health;
