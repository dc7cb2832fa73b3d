// The libc calls the passthrough sample makes, bound with jnr-ffi. Only this package calls them.
package io.github.fusespringboot.samples.passthrough.natives;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * libc functions on the backing directory. Every one sets errno on failure; jnr-ffi saves it for
 * {@link Syscalls}. Public only because jnr-ffi generates its implementation in another class loader.
 */
public interface LibC {

    int open(String path, int flags, int mode);

    int close(int fd);

    int dup(int fd);

    @ssize_t
    long pread(int fd, Pointer buffer, @size_t long count, long offset);

    @ssize_t
    long pwrite(int fd, Pointer buffer, @size_t long count, long offset);

    int fsync(int fd);

    int fdatasync(int fd);

    int truncate(String path, long length);

    int ftruncate(int fd, long length);

    // glibc 2.33 and later export lstat, fstat and mknod as functions (before, only __lxstat etc.)
    int lstat(String path, Pointer stat);

    int fstat(int fd, Pointer stat);

    int statvfs(String path, Pointer stat);

    int mknod(String path, int mode, long device);

    int mkdir(String path, int mode);

    int rmdir(String path);

    int unlink(String path);

    int rename(String from, String to);

    int link(String from, String to);

    int symlink(String target, String linkPath);

    @ssize_t
    long readlink(String path, Pointer buffer, @size_t long size);

    int chmod(String path, int mode);

    int fchmod(int fd, int mode);

    int lchown(String path, int uid, int gid);

    int fchown(int fd, int uid, int gid);

    int utimensat(int dirFd, String path, @In long[] times, int flags);

    int access(String path, int mode);

    int lsetxattr(String path, String name, Pointer value, @size_t long size, int flags);

    @ssize_t
    long lgetxattr(String path, String name, Pointer value, @size_t long size);

    @ssize_t
    long llistxattr(String path, Pointer list, @size_t long size);

    int lremovexattr(String path, String name);

    int geteuid();

    int getegid();

}
