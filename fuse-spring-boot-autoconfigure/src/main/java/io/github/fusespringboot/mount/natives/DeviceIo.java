// The libc calls of the protocol engine's request loop: read and writev on /dev/fuse.
package io.github.fusespringboot.mount.natives;

import jnr.ffi.Pointer;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * libc functions the protocol engine reads requests and writes replies with; every one sets errno
 * on failure. Public only because jnr-ffi generates its implementation in another class loader.
 */
public interface DeviceIo {

    @ssize_t
    long read(int fd, Pointer buffer, @size_t long count);

    @ssize_t
    long writev(int fd, Pointer iov, int iovcnt);

    /** For {@code FUSE_DEV_IOC_CLONE}: another descriptor reading the same connection. */
    int ioctl(int fd, long request, Pointer argument);

}
