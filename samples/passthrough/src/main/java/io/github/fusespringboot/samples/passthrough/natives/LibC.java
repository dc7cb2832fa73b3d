// The libc calls the passthrough sample makes, bound with jnr-ffi. Only this package calls them.
package io.github.fusespringboot.samples.passthrough.natives;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * libc functions on the backing directory. Every one sets errno on failure; jnr-ffi saves it for
 * {@link Syscalls}. Paths are relative to a directory descriptor ({@code *at} calls), so a name the
 * kernel accepts on the mount is never too long in the backing directory. Public only because jnr-ffi
 * generates its implementation in another class loader.
 */
public interface LibC {

    int open(String path, int flags, int mode);

    int openat(int dirFd, String path, int flags, int mode);

    int close(int fd);

    int dup(int fd);

    @ssize_t
    long pread(int fd, Pointer buffer, @size_t long count, long offset);

    @ssize_t
    long pwrite(int fd, Pointer buffer, @size_t long count, long offset);

    int fsync(int fd);

    int fdatasync(int fd);

    int ftruncate(int fd, long length);

    int fallocate(int fd, int mode, long offset, long length);

    long lseek(int fd, long offset, int whence);

    @ssize_t
    long copy_file_range(int fdIn, @In @Out long[] offsetIn, int fdOut, @In @Out long[] offsetOut, @size_t long length,
            int flags);

    // glibc 2.33 and later export fstatat, fstat and mknodat as functions (before, only __fxstatat etc.)
    int fstatat(int dirFd, String path, Pointer stat, int flags);

    int fstat(int fd, Pointer stat);

    int fstatvfs(int fd, Pointer stat);

    int mknodat(int dirFd, String path, int mode, long device);

    int mkdirat(int dirFd, String path, int mode);

    int unlinkat(int dirFd, String path, int flags);

    int renameat(int fromDirFd, String from, int toDirFd, String to);

    int renameat2(int fromDirFd, String from, int toDirFd, String to, int flags);

    int linkat(int fromDirFd, String from, int toDirFd, String to, int flags);

    int symlinkat(String target, int dirFd, String linkPath);

    @ssize_t
    long readlinkat(int dirFd, String path, Pointer buffer, @size_t long size);

    int fchmodat(int dirFd, String path, int mode, int flags);

    int fchmod(int fd, int mode);

    int fchownat(int dirFd, String path, int uid, int gid, int flags);

    int fchown(int fd, int uid, int gid);

    int utimensat(int dirFd, String path, @In long[] times, int flags);

    int faccessat(int dirFd, String path, int mode, int flags);

    int lsetxattr(String path, String name, Pointer value, @size_t long size, int flags);

    @ssize_t
    long lgetxattr(String path, String name, Pointer value, @size_t long size);

    @ssize_t
    long llistxattr(String path, Pointer list, @size_t long size);

    int lremovexattr(String path, String name);

    int geteuid();

    int getegid();

}
