/**
 * Mount jnr-fuse filesystems from a Spring Boot application: annotate a filesystem bean with
 * {@link io.github.fusespringboot.FuseFilesystem}.
 */
package io.github.fusespringboot;
