/**
 * The only place with native calls: libc ({@code open}, {@code mount}, {@code umount2}) and libfuse2
 * session functions, each turning a failure into an exception that names the call.
 */
package io.github.fusespringboot.mount.natives;
