/**
 * Auto-configuration of the {@code fuse} endpoint.
 */
package io.github.fusespringboot.autoconfigure.endpoint;
