// The libc calls the conformance kit makes, bound with jnr-ffi. Only this package calls them.
package io.github.fusespringboot.test.conformance.natives;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * libc functions the kit drives a filesystem with. Every method sets errno on failure; jnr-ffi saves
 * it per thread. Public only because jnr-ffi generates its implementation in another class loader;
 * not an API.
 */
public interface KitLibC {

    int open(String path, int flags, int mode);

    int close(int fd);

    @ssize_t
    long read(int fd, @Out byte[] buffer, @size_t long count);

    @ssize_t
    long write(int fd, @In byte[] buffer, @size_t long count);

    @ssize_t
    long pread(int fd, @Out byte[] buffer, @size_t long count, long offset);

    @ssize_t
    long pwrite(int fd, @In byte[] buffer, @size_t long count, long offset);

    long lseek(int fd, long offset, int whence);

    @ssize_t
    long copy_file_range(int fdIn, @In @Out long[] offsetIn, int fdOut, @In @Out long[] offsetOut,
            @size_t long length, int flags);

    int statx(int dirFd, String path, int flags, int mask, Pointer buffer);

    int mkdir(String path, int mode);

    int rmdir(String path);

    int unlink(String path);

    int rename(String from, String to);

    int renameat2(int fromDirFd, String from, int toDirFd, String to, int flags);

    int link(String existing, String newPath);

    int symlink(String target, String linkPath);

    @ssize_t
    long readlink(String path, @Out byte[] buffer, @size_t long size);

    int chmod(String path, int mode);

    int fchmod(int fd, int mode);

    int chown(String path, int uid, int gid);

    int lchown(String path, int uid, int gid);

    int fchown(int fd, int uid, int gid);

    int truncate(String path, long length);

    int ftruncate(int fd, long length);

    int fsync(int fd);

    int fdatasync(int fd);

    int statfs(String path, Pointer buffer);

    int fstatfs(int fd, Pointer buffer);

    int setxattr(String path, String name, @In byte[] value, @size_t long size, int flags);

    @ssize_t
    long getxattr(String path, String name, @Out byte[] value, @size_t long size);

    @ssize_t
    long listxattr(String path, @Out byte[] list, @size_t long size);

    int removexattr(String path, String name);

    int mkfifo(String path, int mode);

    int mknod(String path, int mode, long device);

    int utimensat(int dirFd, String path, @In long[] times, int flags);

    int futimens(int fd, @In long[] times);

    int umask(int mask);

    Pointer opendir(String path);

    Pointer readdir(Pointer dir);

    long telldir(Pointer dir);

    void seekdir(Pointer dir, long position);

    int closedir(Pointer dir);

    Pointer mmap(Pointer address, @size_t long length, int protection, int flags, int fd, long offset);

    int munmap(Pointer address, @size_t long length);

    int msync(Pointer address, @size_t long length, int flags);

    int setfsuid(int uid);

    int setfsgid(int gid);

    int unshare(int flags);

    int fchdir(int fd);

    int geteuid();

}
