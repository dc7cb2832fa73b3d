/**
 * The only place with native calls, all of them libc's ({@code open}, {@code mount}, {@code umount2},
 * {@code read}/{@code writev} on {@code /dev/fuse}, epoll, ...), each turning a failure into an
 * exception that names the call. No libfuse is loaded.
 */
package io.github.fusespringboot.mount.natives;
