// The libc calls the engine makes, bound with jnr-ffi. Only this package calls them.
package io.github.fusespringboot.mount.natives;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * libc functions used by the engine. Every method sets errno on failure; jnr-ffi saves it and
 * {@code Native.lastErrno()} reads it. Public only because jnr-ffi generates its implementation in
 * another class loader; not an API.
 */
public interface LibC {

    int open(String path, int flags);

    int close(int fd);

    int fcntl(int fd, int cmd, int arg);

    int dup3(int oldFd, int newFd, int flags);

    int pipe2(@Out int[] fds, int flags);

    int mount(String source, String target, String filesystemType, long flags, String data);

    int umount2(String target, int flags);

    @ssize_t
    long read(int fd, Pointer buffer, @size_t long count);

    int statx(int dirFd, String path, int flags, int mask, Pointer buffer);

    int geteuid();

    int getegid();

    int getpid();

    Pointer dlopen(String file, int mode);

    Pointer dlvsym(Pointer handle, String symbol, String version);

    String dlerror();

}
