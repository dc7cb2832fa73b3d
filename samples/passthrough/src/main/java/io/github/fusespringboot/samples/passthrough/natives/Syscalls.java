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
 * is.
 *
 * <p>
 * {@code java.nio} cannot express everything a filesystem is asked to do: an {@code O_RDONLY} open that
 * creates a file ({@code O_CREAT|O_EXCL}), {@code mknod}/{@code mkfifo}, {@code utimensat} with
 * {@code UTIME_OMIT}, {@code lchown}, xattrs. Hence plain libc through jnr-ffi, and only here.
 */
public final class Syscalls {

    /** asm-generic/fcntl.h and linux/stat.h values, the same on every Linux architecture. */
    public static final int O_ACCMODE = 03;

    public static final int O_CREAT = 0100;

    public static final int O_EXCL = 0200;

    public static final int O_APPEND = 02000;

    public static final int O_CLOEXEC = 02000000;

    public static final int S_ISGID = 02000;

    private static final int AT_FDCWD = -100;

    private static final int AT_SYMLINK_NOFOLLOW = 0x100;

    private static final LibC LIBC = LibraryLoader.create(LibC.class)
        .option(LibraryOption.SaveError, true)
        .failImmediately()
        .load("c");

    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    private static final long STAT_SIZE = Struct.size(new FileStat(RUNTIME));

    private Syscalls() {
    }

    private static int checked(int result) {
        return (result < 0) ? -RUNTIME.getLastError() : result;
    }

    private static long checked(long result) {
        return (result < 0) ? -RUNTIME.getLastError() : result;
    }

    /** {@code open(2)} with exactly these flags (plus {@code O_CLOEXEC}) and mode: a descriptor or -errno. */
    public static int open(String path, int flags, int mode) {
        return checked(LIBC.open(path, flags | O_CLOEXEC, mode));
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

    public static int truncate(String path, long length) {
        return checked(LIBC.truncate(path, length));
    }

    public static int ftruncate(int fd, long length) {
        return checked(LIBC.ftruncate(fd, length));
    }

    /** {@code lstat(2)} into a {@code struct stat} (the one libfuse hands a getattr). */
    public static int lstat(String path, Pointer stat) {
        return checked(LIBC.lstat(path, stat));
    }

    public static int fstat(int fd, Pointer stat) {
        return checked(LIBC.fstat(fd, stat));
    }

    /** {@code st_mode} of {@code path} (not following a link), or -errno. */
    public static int mode(String path) {
        Pointer memory = Memory.allocateDirect(RUNTIME, (int) STAT_SIZE, true);
        int result = lstat(path, memory);
        return (result < 0) ? result : FileStat.of(memory).st_mode.intValue();
    }

    /** {@code st_mode} of an open file, or -errno. */
    public static int mode(int fd) {
        Pointer memory = Memory.allocateDirect(RUNTIME, (int) STAT_SIZE, true);
        int result = fstat(fd, memory);
        return (result < 0) ? result : FileStat.of(memory).st_mode.intValue();
    }

    public static int statvfs(String path, Pointer stat) {
        return checked(LIBC.statvfs(path, stat));
    }

    /** {@code mknod(2)}: regular files, FIFOs, sockets and (with the privilege) device nodes. */
    public static int mknod(String path, int mode, long device) {
        return checked(LIBC.mknod(path, mode, device));
    }

    public static int mkdir(String path, int mode) {
        return checked(LIBC.mkdir(path, mode));
    }

    public static int rmdir(String path) {
        return checked(LIBC.rmdir(path));
    }

    public static int unlink(String path) {
        return checked(LIBC.unlink(path));
    }

    public static int rename(String from, String to) {
        return checked(LIBC.rename(from, to));
    }

    public static int link(String from, String to) {
        return checked(LIBC.link(from, to));
    }

    public static int symlink(String target, String linkPath) {
        return checked(LIBC.symlink(target, linkPath));
    }

    /** {@code readlink(2)}: the length of the text written to {@code buffer} (not NUL-terminated), or -errno. */
    public static long readlink(String path, Pointer buffer, long size) {
        return checked(LIBC.readlink(path, buffer, size));
    }

    public static int chmod(String path, int mode) {
        return checked(LIBC.chmod(path, mode));
    }

    public static int fchmod(int fd, int mode) {
        return checked(LIBC.fchmod(fd, mode));
    }

    /** {@code lchown(2)}: -1 leaves that id as it is; a link itself is changed, not what it points to. */
    public static int lchown(String path, int uid, int gid) {
        return checked(LIBC.lchown(path, uid, gid));
    }

    public static int fchown(int fd, int uid, int gid) {
        return checked(LIBC.fchown(fd, uid, gid));
    }

    /**
     * {@code utimensat(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW)}: nanoseconds, {@code UTIME_NOW} and
     * {@code UTIME_OMIT} as given.
     */
    public static int utimensat(String path, long accessSeconds, long accessNanos, long modificationSeconds,
            long modificationNanos) {
        long[] times = { accessSeconds, accessNanos, modificationSeconds, modificationNanos };
        return checked(LIBC.utimensat(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW));
    }

    public static int access(String path, int mode) {
        return checked(LIBC.access(path, mode));
    }

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
