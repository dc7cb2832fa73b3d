/**
 * The {@code fuse} actuator endpoint.
 */
package io.github.fusespringboot.actuate.endpoint;
