/**
 * Auto-configuration of the mounts' health.
 */
package io.github.fusespringboot.autoconfigure.health;
