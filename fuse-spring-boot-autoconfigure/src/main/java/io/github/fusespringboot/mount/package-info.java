/**
 * The mount engine: mounts jnr-fuse filesystems with mount(2) and unmounts them within bounded time.
 * JDK and jnr-fuse only, no Spring; start with {@link io.github.fusespringboot.mount.MountManager}.
 */
package io.github.fusespringboot.mount;
