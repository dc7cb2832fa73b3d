// Thin wrappers over libc: each turns a -1 into a NativeCallException naming the call and errno.
package io.github.fusespringboot.mount.natives;

import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * The libc side of mounting: {@code /dev/fuse}, {@code mount(2)}, {@code umount2(2)} and descriptor
 * hygiene. Availability is probed once ({@link #isAvailable()}, {@link #unavailabilityCause()}).
 */
public final class Native {

    // fcntl.h, x86_64 and aarch64 alike
    static final int O_RDONLY = 0;

    static final int O_RDWR = 2;

    static final int O_CLOEXEC = 0x80000;

    static final int F_GETFD = 1;

    static final int F_SETFD = 2;

    static final int F_DUPFD_CLOEXEC = 1030;

    // sys/mount.h
    public static final long MS_RDONLY = 1;

    public static final long MS_NOSUID = 2;

    public static final long MS_NODEV = 4;

    public static final int MNT_DETACH = 2;

    public static final int UMOUNT_NOFOLLOW = 8;

    /**
     * FUSE descriptors are kept at or above this number, so that none can ever sit on 0..3: the
     * numbers a helper process rearranges (see ORIGIN.md, go-fuse #506).
     */
    public static final int LOWEST_FUSE_FD = 4;

    private static final LibC LIBC;

    private static final Runtime RUNTIME;

    private static final Throwable UNAVAILABLE;

    static {
        LibC libc = null;
        Runtime runtime = null;
        Throwable cause = null;
        try {
            if (Platform.getNativePlatform().getOS() != Platform.OS.LINUX) {
                throw new UnsupportedOperationException(
                        "FUSE mounts need Linux; this is " + Platform.getNativePlatform().getOS());
            }
            libc = LibraryLoader.create(LibC.class).option(LibraryOption.SaveError, true).failImmediately().load("c");
            runtime = Runtime.getRuntime(libc);
        }
        catch (Throwable ex) {
            cause = ex;
        }
        LIBC = libc;
        RUNTIME = runtime;
        UNAVAILABLE = cause;
    }

    private Native() {
    }

    /** Whether libc could be bound (this is Linux and jnr-ffi works here). */
    public static boolean isAvailable() {
        return UNAVAILABLE == null;
    }

    /** Why {@link #isAvailable()} is false, or {@code null}. */
    public static Throwable unavailabilityCause() {
        return UNAVAILABLE;
    }

    static LibC libc() {
        if (LIBC == null) {
            throw new IllegalStateException("libc is not available: " + UNAVAILABLE, UNAVAILABLE);
        }
        return LIBC;
    }

    static Runtime runtime() {
        libc();
        return RUNTIME;
    }

    static int lastErrno() {
        return RUNTIME.getLastError();
    }

    /**
     * Opens {@code /dev/fuse} read-write and close-on-exec, and moves the descriptor to
     * {@link #LOWEST_FUSE_FD} or above if the kernel handed out a lower one.
     */
    public static int openFuseDevice(String device) {
        int fd = libc().open(device, O_RDWR | O_CLOEXEC);
        if (fd < 0) {
            throw new NativeCallException("open(" + device + ")", lastErrno());
        }
        return moveAboveLowDescriptors(fd);
    }

    /**
     * Returns {@code fd} when it is {@link #LOWEST_FUSE_FD} or above; otherwise a close-on-exec
     * duplicate at or above it, closing {@code fd}. Closes {@code fd} when that fails too.
     */
    static int moveAboveLowDescriptors(int fd) {
        if (fd >= LOWEST_FUSE_FD) {
            return fd;
        }
        int moved = libc().fcntl(fd, F_DUPFD_CLOEXEC, LOWEST_FUSE_FD);
        int errno = lastErrno();
        LIBC.close(fd);
        if (moved < 0) {
            throw new NativeCallException("fcntl(F_DUPFD_CLOEXEC)", errno);
        }
        return moved;
    }

    /** {@code mount(2)}. */
    public static void mount(String source, String target, String type, long flags, String data) {
        if (libc().mount(source, target, type, flags, data) != 0) {
            throw new NativeCallException("mount(2)", lastErrno());
        }
    }

    /** {@code umount2(2)}; returns 0 or the errno, since callers decide what each errno means. */
    public static int umount2(String target, int flags) {
        if (libc().umount2(target, flags) == 0) {
            return 0;
        }
        return lastErrno();
    }

    /** Closes a descriptor; errors are ignored (there is nothing left to do with it). */
    public static void close(int fd) {
        if (fd >= 0) {
            libc().close(fd);
        }
    }

    /** Whether the descriptor is open in this process. */
    public static boolean isOpen(int fd) {
        return libc().fcntl(fd, F_GETFD, 0) != -1;
    }

    /** Whether the descriptor is open and close-on-exec. */
    public static boolean isCloseOnExec(int fd) {
        int flags = libc().fcntl(fd, F_GETFD, 0);
        return flags != -1 && (flags & 1) != 0;
    }

    private static final int AT_FDCWD = -100;

    private static final int AT_SYMLINK_NOFOLLOW = 0x100;

    /** Always ask the filesystem, never the kernel's attribute cache (include/uapi/linux/fcntl.h). */
    private static final int AT_STATX_FORCE_SYNC = 0x2000;

    private static final int STATX_TYPE = 1;

    /** {@code sizeof(struct statx)}. */
    private static final int STATX_SIZE = 256;

    /**
     * {@code statx(2)} of a path with {@code AT_STATX_FORCE_SYNC}, so that on a FUSE mount it always
     * reaches the filesystem's getattr. Returns 0 or the errno. May block as long as the filesystem
     * does: call it off any thread that must stay responsive.
     */
    public static int statxForceSync(String path) {
        Pointer statx = jnr.ffi.Memory.allocateDirect(runtime(), STATX_SIZE, false);
        if (LIBC.statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW | AT_STATX_FORCE_SYNC, STATX_TYPE, statx) == 0) {
            return 0;
        }
        return lastErrno();
    }

    public static int effectiveUid() {
        return libc().geteuid();
    }

    public static int effectiveGid() {
        return libc().getegid();
    }

    /**
     * Makes {@code fd} refer to {@code /dev/null} (or, without it, to the read end of a pipe) when it
     * is closed. Used to keep 0..3 occupied. Returns whether it had to open something.
     */
    public static boolean occupyIfClosed(int fd, boolean closeOnExec) {
        if (isOpen(fd)) {
            return false;
        }
        int opened = LIBC.open("/dev/null", O_RDWR | O_CLOEXEC);
        int spare = -1;
        if (opened < 0) {
            int[] pipe = new int[2];
            if (LIBC.pipe2(pipe, O_CLOEXEC) != 0) {
                throw new NativeCallException("pipe2", lastErrno());
            }
            opened = pipe[0];
            spare = pipe[1];
        }
        try {
            if (opened == fd) {
                if (!closeOnExec) {
                    LIBC.fcntl(fd, F_SETFD, 0); // standard streams must survive exec
                }
                return true;
            }
            if (LIBC.dup3(opened, fd, closeOnExec ? O_CLOEXEC : 0) < 0) {
                int errno = lastErrno();
                if (isOpen(fd)) {
                    return false; // somebody else took it meanwhile: it is occupied, which is all we want
                }
                throw new NativeCallException("dup3(" + fd + ")", errno);
            }
            LIBC.close(opened);
            return true;
        }
        finally {
            if (spare >= 0) {
                LIBC.close(spare);
            }
        }
    }

}
