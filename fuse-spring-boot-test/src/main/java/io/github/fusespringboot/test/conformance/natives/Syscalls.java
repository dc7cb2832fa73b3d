// Thin wrappers over libc for the kit: each returns what the call returned and its errno, never throws.
package io.github.fusespringboot.test.conformance.natives;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * The system calls of the conformance kit. A failed call is a result to check, not an exception:
 * every wrapper returns the value and the errno (saved by jnr-ffi on the calling thread).
 */
public final class Syscalls {

    public static final int AT_FDCWD = -100;

    static final int AT_SYMLINK_NOFOLLOW = 0x100;

    static final int AT_STATX_FORCE_SYNC = 0x2000;

    // STATX_BASIC_STATS
    static final int STATX_BASIC_STATS = 0x7ff;

    static final int STATX_SIZE = 256;

    static final int STATFS_SIZE = 120;

    private static final KitLibC LIBC;

    private static final Runtime RUNTIME;

    private static final Throwable UNAVAILABLE;

    static {
        KitLibC libc = null;
        Runtime runtime = null;
        Throwable cause = null;
        try {
            libc = LibraryLoader.create(KitLibC.class)
                .option(LibraryOption.SaveError, true)
                .failImmediately()
                .load("c");
            runtime = Runtime.getRuntime(libc);
        }
        catch (Throwable ex) {
            cause = ex;
        }
        LIBC = libc;
        RUNTIME = runtime;
        UNAVAILABLE = cause;
    }

    private Syscalls() {
    }

    /** Why libc could not be bound, or {@code null} when it was. */
    public static Throwable unavailabilityCause() {
        return UNAVAILABLE;
    }

    private static KitLibC libc() {
        if (LIBC == null) {
            throw new IllegalStateException("libc is not available: " + UNAVAILABLE, UNAVAILABLE);
        }
        return LIBC;
    }

    private static Outcome outcome(long value) {
        return new Outcome(value, (value < 0) ? RUNTIME.getLastError() : 0);
    }

    public static Outcome open(String path, int flags, int mode) {
        return outcome(libc().open(path, flags, mode));
    }

    public static Outcome close(int fd) {
        return outcome(libc().close(fd));
    }

    public static Outcome read(int fd, byte[] buffer) {
        return outcome(libc().read(fd, buffer, buffer.length));
    }

    public static Outcome write(int fd, byte[] data) {
        return outcome(libc().write(fd, data, data.length));
    }

    public static Outcome pread(int fd, byte[] buffer, long offset) {
        return outcome(libc().pread(fd, buffer, buffer.length, offset));
    }

    public static Outcome pwrite(int fd, byte[] data, long offset) {
        return outcome(libc().pwrite(fd, data, data.length, offset));
    }

    public static Outcome lseek(int fd, long offset, int whence) {
        return outcome(libc().lseek(fd, offset, whence));
    }

    /** {@code copy_file_range(2)} with explicit offsets (the descriptors' own offsets stay), flags 0. */
    public static Outcome copyFileRange(int fdIn, long offsetIn, int fdOut, long offsetOut, long length) {
        return outcome(libc().copy_file_range(fdIn, new long[] { offsetIn }, fdOut, new long[] { offsetOut }, length,
                0));
    }

    /** {@code statx(2)} of a path; {@code follow} false is {@code lstat}. Always asks the filesystem afresh. */
    public static Valued<FileStatus> stat(String path, boolean follow) {
        return statAt(AT_FDCWD, path, follow ? 0 : AT_SYMLINK_NOFOLLOW);
    }

    /** {@code statx(2)} of an open descriptor ({@code AT_EMPTY_PATH}). */
    public static Valued<FileStatus> fstat(int fd) {
        return statAt(fd, "", 0x1000);
    }

    private static Valued<FileStatus> statAt(int dirFd, String path, int flags) {
        Pointer buffer = Memory.allocateDirect(RUNTIME, STATX_SIZE, true);
        int result = libc().statx(dirFd, path, flags | AT_STATX_FORCE_SYNC, STATX_BASIC_STATS, buffer);
        if (result < 0) {
            return new Valued<>(null, RUNTIME.getLastError());
        }
        return new Valued<>(new FileStatus(Short.toUnsignedInt(buffer.getShort(28)),
                Integer.toUnsignedLong(buffer.getInt(16)), buffer.getInt(20), buffer.getInt(24), buffer.getLong(32),
                buffer.getLong(40), buffer.getLong(48), buffer.getLong(64), buffer.getInt(72), buffer.getLong(112),
                buffer.getInt(120), buffer.getLong(96), buffer.getInt(104), buffer.getInt(128), buffer.getInt(132)),
                0);
    }

    public static Outcome mkdir(String path, int mode) {
        return outcome(libc().mkdir(path, mode));
    }

    public static Outcome rmdir(String path) {
        return outcome(libc().rmdir(path));
    }

    public static Outcome unlink(String path) {
        return outcome(libc().unlink(path));
    }

    public static Outcome rename(String from, String to) {
        return outcome(libc().rename(from, to));
    }

    public static Outcome renameat2(String from, String to, int flags) {
        return outcome(libc().renameat2(AT_FDCWD, from, AT_FDCWD, to, flags));
    }

    public static Outcome link(String existing, String newPath) {
        return outcome(libc().link(existing, newPath));
    }

    public static Outcome symlink(String target, String linkPath) {
        return outcome(libc().symlink(target, linkPath));
    }

    /** {@code readlink(2)} into a buffer of {@code size} bytes; the value is the link's text (as far as it fits). */
    public static Valued<String> readlink(String path, int size) {
        byte[] buffer = new byte[size];
        long length = libc().readlink(path, buffer, size);
        if (length < 0) {
            return new Valued<>(null, RUNTIME.getLastError());
        }
        return new Valued<>(new String(buffer, 0, (int) length, StandardCharsets.UTF_8), 0);
    }

    public static Outcome chmod(String path, int mode) {
        return outcome(libc().chmod(path, mode));
    }

    public static Outcome fchmod(int fd, int mode) {
        return outcome(libc().fchmod(fd, mode));
    }

    public static Outcome chown(String path, int uid, int gid) {
        return outcome(libc().chown(path, uid, gid));
    }

    public static Outcome lchown(String path, int uid, int gid) {
        return outcome(libc().lchown(path, uid, gid));
    }

    public static Outcome fchown(int fd, int uid, int gid) {
        return outcome(libc().fchown(fd, uid, gid));
    }

    public static Outcome truncate(String path, long length) {
        return outcome(libc().truncate(path, length));
    }

    public static Outcome ftruncate(int fd, long length) {
        return outcome(libc().ftruncate(fd, length));
    }

    public static Outcome fsync(int fd) {
        return outcome(libc().fsync(fd));
    }

    public static Outcome fdatasync(int fd) {
        return outcome(libc().fdatasync(fd));
    }

    public static Valued<FilesystemStatus> statfs(String path) {
        Pointer buffer = Memory.allocateDirect(RUNTIME, STATFS_SIZE, true);
        return filesystemStatus(libc().statfs(path, buffer), buffer);
    }

    public static Valued<FilesystemStatus> fstatfs(int fd) {
        Pointer buffer = Memory.allocateDirect(RUNTIME, STATFS_SIZE, true);
        return filesystemStatus(libc().fstatfs(fd, buffer), buffer);
    }

    // struct statfs on 64-bit Linux: eleven 8-byte fields (f_fsid is two ints) then spare words
    private static Valued<FilesystemStatus> filesystemStatus(int result, Pointer buffer) {
        if (result < 0) {
            return new Valued<>(null, RUNTIME.getLastError());
        }
        return new Valued<>(new FilesystemStatus(buffer.getLong(0), buffer.getLong(8), buffer.getLong(16),
                buffer.getLong(24), buffer.getLong(32), buffer.getLong(40), buffer.getLong(48), buffer.getLong(64),
                buffer.getLong(72)), 0);
    }

    public static Outcome setxattr(String path, String name, byte[] value, int flags) {
        return outcome(libc().setxattr(path, name, value, value.length, flags));
    }

    /** {@code getxattr(2)} with a buffer of {@code size} bytes (0 asks for the value's size only). */
    public static Valued<byte[]> getxattr(String path, String name, int size) {
        byte[] buffer = new byte[size];
        long length = libc().getxattr(path, name, (size == 0) ? null : buffer, size);
        if (length < 0) {
            return new Valued<>(null, RUNTIME.getLastError());
        }
        return new Valued<>((size == 0) ? new byte[(int) length] : Arrays.copyOf(buffer, (int) length), 0);
    }

    /** {@code listxattr(2)}: the names, NUL-separated as the kernel gives them. */
    public static Valued<byte[]> listxattr(String path, int size) {
        byte[] buffer = new byte[size];
        long length = libc().listxattr(path, buffer, size);
        if (length < 0) {
            return new Valued<>(null, RUNTIME.getLastError());
        }
        return new Valued<>(Arrays.copyOf(buffer, (int) length), 0);
    }

    public static Outcome removexattr(String path, String name) {
        return outcome(libc().removexattr(path, name));
    }

    public static Outcome mkfifo(String path, int mode) {
        return outcome(libc().mkfifo(path, mode));
    }

    public static Outcome mknod(String path, int mode, int major, int minor) {
        // glibc's makedev()
        long device = ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8) | ((minor & 0xffffff00L) << 12)
                | (minor & 0xffL);
        return outcome(libc().mknod(path, mode, device));
    }

    /**
     * {@code utimensat(AT_FDCWD, path, times, flags)}: {@code times} is {atime s, atime ns, mtime s,
     * mtime ns} (nanoseconds may be UTIME_NOW or UTIME_OMIT), or {@code null} for "both now".
     */
    public static Outcome utimensat(String path, long[] times, int flags) {
        return outcome(libc().utimensat(AT_FDCWD, path, times, flags));
    }

    public static Outcome futimens(int fd, long[] times) {
        return outcome(libc().futimens(fd, times));
    }

    /** Sets the umask of the calling thread's filesystem context (per thread after {@code unshare(CLONE_FS)}). */
    public static int umask(int mask) {
        return libc().umask(mask);
    }

    public static Outcome setfsuid(int uid) {
        return new Outcome(libc().setfsuid(uid), 0);
    }

    public static Outcome setfsgid(int gid) {
        return new Outcome(libc().setfsgid(gid), 0);
    }

    public static Outcome unshare(int flags) {
        return outcome(libc().unshare(flags));
    }

    public static Outcome fchdir(int fd) {
        return outcome(libc().fchdir(fd));
    }

    public static int geteuid() {
        return libc().geteuid();
    }

    /** {@code opendir(3)}: a stream to read with {@link DirectoryStream}, or the errno. */
    public static Valued<DirectoryStream> opendir(String path) {
        Pointer dir = libc().opendir(path);
        if (dir == null || dir.address() == 0) {
            return new Valued<>(null, RUNTIME.getLastError());
        }
        return new Valued<>(new DirectoryStream(libc(), dir), 0);
    }

    /** {@code mmap(2)} of {@code length} bytes of {@code fd} from offset 0, {@code MAP_SHARED}, read-write. */
    public static Valued<SharedMapping> mapShared(int fd, long length) {
        Pointer address = libc().mmap(null, length, SharedMapping.PROT_READ | SharedMapping.PROT_WRITE,
                SharedMapping.MAP_SHARED, fd, 0);
        if (address == null || address.address() == -1L) {
            return new Valued<>(null, RUNTIME.getLastError());
        }
        return new Valued<>(new SharedMapping(libc(), RUNTIME, address, length), 0);
    }

}
