// The system calls the passthrough sample makes on its backing directory, each answering a result or -errno.
package io.github.fusespringboot.samples.passthrough.natives;

import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import ru.serce.jnrfuse.struct.FileStat;

/**
 * The backing directory's system calls, the way a C passthrough makes them: every method returns what
 * the call returns, or the negated errno it failed with, which is exactly what a FUSE callback must
 * answer. Nothing is translated, so every error the backing filesystem gives reaches the caller as it
 * is. Paths are relative to a directory descriptor ({@code dirFd}; {@link #AT_FDCWD} for an absolute
 * or working-directory path), and a link is never followed unless said.
 *
 * <p>
 * {@code java.nio} cannot express everything a filesystem is asked to do: an {@code O_RDONLY} open that
 * creates a file ({@code O_CREAT|O_EXCL}), {@code mknod}/{@code mkfifo}, {@code utimensat} with
 * {@code UTIME_OMIT}, {@code lchown}, xattrs. Hence plain libc through jnr-ffi, and only here.
 */
public final class Syscalls {

    /** asm-generic/fcntl.h, linux/fcntl.h and linux/stat.h values, the same on every Linux architecture. */
    public static final int AT_FDCWD = -100;

    public static final int O_CREAT = 0100;

    public static final int O_EXCL = 0200;

    public static final int O_APPEND = 02000;

    public static final int S_ISGID = 02000;

    private static final int O_WRONLY = 01;

    private static final int O_NONBLOCK = 04000;

    private static final int O_DIRECTORY = 0200000;

    private static final int O_CLOEXEC = 02000000;

    private static final int O_PATH = 010000000;

    private static final int AT_SYMLINK_NOFOLLOW = 0x100;

    private static final int AT_REMOVEDIR = 0x200;

    private static final LibC LIBC = LibraryLoader.create(LibC.class)
        .option(LibraryOption.SaveError, true)
        .failImmediately()
        .load("c");

    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    private static final int STAT_SIZE = Struct.size(new FileStat(RUNTIME));

    private Syscalls() {
    }

    private static int checked(int result) {
        return (result < 0) ? -RUNTIME.getLastError() : result;
    }

    private static long checked(long result) {
        return (result < 0) ? -RUNTIME.getLastError() : result;
    }

    /** A descriptor that names a directory (O_PATH: no permission needed to hold it), or -errno. */
    public static int openDirectory(String path) {
        return checked(LIBC.open(path, O_PATH | O_DIRECTORY | O_CLOEXEC, 0));
    }

    /** {@code openat(2)} with exactly these flags (plus {@code O_CLOEXEC}) and mode: a descriptor or -errno. */
    public static int open(int dirFd, String path, int flags, int mode) {
        return checked(LIBC.openat(dirFd, path, flags | O_CLOEXEC, mode));
    }

    public static int close(int fd) {
        return checked(LIBC.close(fd));
    }

    /**
     * What {@code close(2)} of a duplicate reports, without closing {@code fd}: some filesystems (NFS)
     * report write errors only at close, and every close(2) through the mount is a FUSE flush.
     */
    public static int flush(int fd) {
        int copy = LIBC.dup(fd);
        return (copy < 0) ? -RUNTIME.getLastError() : checked(LIBC.close(copy));
    }

    /** {@code pread(2)} until {@code size} bytes or the end of the file: FUSE wants no short reads. */
    public static long preadFully(int fd, Pointer buffer, long size, long offset) {
        long done = 0;
        while (done < size) {
            long n = LIBC.pread(fd, buffer.slice(done), size - done, offset + done);
            if (n < 0) {
                return (done > 0) ? done : -RUNTIME.getLastError();
            }
            if (n == 0) {
                break;
            }
            done += n;
        }
        return done;
    }

    /** {@code pwrite(2)} until all of {@code size} is written: FUSE takes a short write as an error. */
    public static long pwriteFully(int fd, Pointer buffer, long size, long offset) {
        long done = 0;
        while (done < size) {
            long n = LIBC.pwrite(fd, buffer.slice(done), size - done, offset + done);
            if (n < 0) {
                return (done > 0) ? done : -RUNTIME.getLastError();
            }
            done += n;
        }
        return done;
    }

    public static int fsync(int fd, boolean dataOnly) {
        return checked(dataOnly ? LIBC.fdatasync(fd) : LIBC.fsync(fd));
    }

    /** {@code truncate(2)} has no {@code *at} form: open for writing, {@code ftruncate}, close. */
    public static int truncate(int dirFd, String path, long length) {
        int fd = open(dirFd, path, O_WRONLY | O_NONBLOCK, 0);
        if (fd < 0) {
            return fd;
        }
        int result = ftruncate(fd, length);
        LIBC.close(fd);
        return result;
    }

    public static int ftruncate(int fd, long length) {
        return checked(LIBC.ftruncate(fd, length));
    }

    /** {@code fallocate(2)}: reserve space, punch a hole, ... as {@code mode} says. */
    public static int fallocate(int fd, int mode, long offset, long length) {
        return checked(LIBC.fallocate(fd, mode, offset, length));
    }

    /** {@code lseek(2)} of the descriptor (SEEK_DATA, SEEK_HOLE, ...): the new offset, or -errno. */
    public static long lseek(int fd, long offset, int whence) {
        return checked(LIBC.lseek(fd, offset, whence));
    }

    /**
     * {@code copy_file_range(2)} from {@code offsetIn} of one descriptor to {@code offsetOut} of
     * another (the descriptors' own offsets stay): the bytes copied, or -errno.
     */
    public static long copyFileRange(int fdIn, long offsetIn, int fdOut, long offsetOut, long length, int flags) {
        return checked(LIBC.copy_file_range(fdIn, new long[] { offsetIn }, fdOut, new long[] { offsetOut }, length,
                flags));
    }

    /** {@code lstat(2)} into a {@code struct stat} (the one the engine hands a getattr). */
    public static int lstat(int dirFd, String path, Pointer stat) {
        return checked(LIBC.fstatat(dirFd, path, stat, AT_SYMLINK_NOFOLLOW));
    }

    public static int fstat(int fd, Pointer stat) {
        return checked(LIBC.fstat(fd, stat));
    }

    /** {@code st_mode} of {@code path} (not following a link), or -errno. */
    public static int mode(int dirFd, String path) {
        Pointer memory = Memory.allocateDirect(RUNTIME, STAT_SIZE, true);
        int result = lstat(dirFd, path, memory);
        return (result < 0) ? result : FileStat.of(memory).st_mode.intValue();
    }

    /** {@code st_mode} of an open file, or -errno. */
    public static int mode(int fd) {
        Pointer memory = Memory.allocateDirect(RUNTIME, STAT_SIZE, true);
        int result = fstat(fd, memory);
        return (result < 0) ? result : FileStat.of(memory).st_mode.intValue();
    }

    public static int fstatvfs(int fd, Pointer stat) {
        return checked(LIBC.fstatvfs(fd, stat));
    }

    /** {@code mknod(2)}: regular files, FIFOs, sockets and (with the privilege) device nodes. */
    public static int mknod(int dirFd, String path, int mode, long device) {
        return checked(LIBC.mknodat(dirFd, path, mode, device));
    }

    public static int mkdir(int dirFd, String path, int mode) {
        return checked(LIBC.mkdirat(dirFd, path, mode));
    }

    public static int rmdir(int dirFd, String path) {
        return checked(LIBC.unlinkat(dirFd, path, AT_REMOVEDIR));
    }

    public static int unlink(int dirFd, String path) {
        return checked(LIBC.unlinkat(dirFd, path, 0));
    }

    public static int rename(int dirFd, String from, String to) {
        return checked(LIBC.renameat(dirFd, from, dirFd, to));
    }

    /** {@code renameat2(2)} with RENAME_NOREPLACE, RENAME_EXCHANGE or RENAME_WHITEOUT as given. */
    public static int rename(int dirFd, String from, String to, int flags) {
        return checked(LIBC.renameat2(dirFd, from, dirFd, to, flags));
    }

    /** {@code link(2)}: a link given as {@code from} is linked itself, not what it points to. */
    public static int link(int dirFd, String from, String to) {
        return checked(LIBC.linkat(dirFd, from, dirFd, to, 0));
    }

    public static int symlink(String target, int dirFd, String linkPath) {
        return checked(LIBC.symlinkat(target, dirFd, linkPath));
    }

    /** {@code readlink(2)}: the length of the text written to {@code buffer} (not NUL-terminated), or -errno. */
    public static long readlink(int dirFd, String path, Pointer buffer, long size) {
        return checked(LIBC.readlinkat(dirFd, path, buffer, size));
    }

    public static int chmod(int dirFd, String path, int mode) {
        return checked(LIBC.fchmodat(dirFd, path, mode, 0));
    }

    public static int fchmod(int fd, int mode) {
        return checked(LIBC.fchmod(fd, mode));
    }

    /** {@code lchown(2)}: -1 leaves that id as it is; a link itself is changed, not what it points to. */
    public static int lchown(int dirFd, String path, int uid, int gid) {
        return checked(LIBC.fchownat(dirFd, path, uid, gid, AT_SYMLINK_NOFOLLOW));
    }

    public static int fchown(int fd, int uid, int gid) {
        return checked(LIBC.fchown(fd, uid, gid));
    }

    /**
     * {@code utimensat(2)} of a link itself, not what it points to: nanoseconds, {@code UTIME_NOW} and
     * {@code UTIME_OMIT} as given.
     */
    public static int utimensat(int dirFd, String path, long accessSeconds, long accessNanos,
            long modificationSeconds, long modificationNanos) {
        long[] times = { accessSeconds, accessNanos, modificationSeconds, modificationNanos };
        return checked(LIBC.utimensat(dirFd, path, times, AT_SYMLINK_NOFOLLOW));
    }

    public static int access(int dirFd, String path, int mode) {
        return checked(LIBC.faccessat(dirFd, path, mode, 0));
    }

    /** The xattr calls have no {@code *at} form (before Linux 6.13): they take a whole path. */
    public static int lsetxattr(String path, String name, Pointer value, long size, int flags) {
        return checked(LIBC.lsetxattr(path, name, value, size, flags));
    }

    public static long lgetxattr(String path, String name, Pointer value, long size) {
        return checked(LIBC.lgetxattr(path, name, value, size));
    }

    public static long llistxattr(String path, Pointer list, long size) {
        return checked(LIBC.llistxattr(path, list, size));
    }

    public static int lremovexattr(String path, String name) {
        return checked(LIBC.lremovexattr(path, name));
    }

    public static int geteuid() {
        return LIBC.geteuid();
    }

    public static int getegid() {
        return LIBC.getegid();
    }

}
