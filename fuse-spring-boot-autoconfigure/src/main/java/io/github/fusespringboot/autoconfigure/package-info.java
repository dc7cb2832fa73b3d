/**
 * Auto-configuration for mounting jnr-fuse filesystems: {@code FuseAutoConfiguration} and the
 * {@code fuse.*} properties.
 */
package io.github.fusespringboot.autoconfigure;
