// What the kernel says about one mount without /proc/self/mountinfo: statx's mount id, statmount's description.
package io.github.fusespringboot.mount.natives;

import java.nio.charset.StandardCharsets;

import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Per-mount questions answered in constant time, whatever the size of the mount table:
 * {@link #statx} gives the mount a path is on ({@code STATX_MNT_ID_UNIQUE}, Linux 6.8) and whether
 * the path is that mount's root; {@link #statmount} describes one mount by id (syscall 457, Linux
 * 6.8; its source and subtype since 6.13); {@link #connectionState} asks a {@code /dev/fuse}
 * descriptor whether its connection still exists. When the kernel lacks them the callers read
 * mountinfo instead: {@link #isAvailable()} turns false for good after the first ENOSYS or a statx
 * that does not know the unique mount id.
 *
 * <p>
 * None of these calls sends a request to the FUSE mount asked about: statx asks only for the mount
 * id (FUSE's getattr answers from the inode for a request mask without basic fields, and
 * {@code AT_STATX_DONT_SYNC} says so too; fs/fuse/dir.c, fuse_update_get_attr), statmount never
 * touches a filesystem, and poll only looks at the connection's queue. So they are safe on a mount
 * whose server is wedged, or has not answered INIT yet. (statx walks the path above the mount like
 * any lookup.)
 */
public final class KernelMounts {

    /** asm-generic and x86_64 number both the same way (arch/x86/entry/syscalls/syscall_64.tbl). */
    static final long SYS_STATMOUNT = 457;

    // include/uapi/linux/fcntl.h
    private static final int AT_FDCWD = -100;

    private static final int AT_SYMLINK_NOFOLLOW = 0x100;

    private static final int AT_STATX_DONT_SYNC = 0x4000;

    // include/uapi/linux/stat.h
    static final int STATX_MNT_ID_UNIQUE = 0x4000;

    static final int STATX_TYPE_AND_MODE = 0x1 | 0x2;

    static final int S_IFMT = 0xF000;

    static final int S_IFDIR = 0x4000;

    static final long STATX_ATTR_MOUNT_ROOT = 0x2000;

    private static final int STATX_SIZE = 256;

    private static final int STX_MASK = 0;

    private static final int STX_ATTRIBUTES = 8;

    private static final int STX_MODE = 28;

    private static final int STX_ATTRIBUTES_MASK = 56;

    private static final int STX_DEV_MAJOR = 136;

    private static final int STX_DEV_MINOR = 140;

    private static final int STX_MNT_ID = 144;

    // include/uapi/linux/mount.h
    static final int MNT_ID_REQ_SIZE_VER0 = 24;

    static final long STATMOUNT_SB_BASIC = 0x1;

    static final long STATMOUNT_MNT_BASIC = 0x2;

    static final long STATMOUNT_MNT_POINT = 0x10;

    static final long STATMOUNT_FS_TYPE = 0x20;

    static final long STATMOUNT_FS_SUBTYPE = 0x100;

    static final long STATMOUNT_SB_SOURCE = 0x200;

    private static final long DESCRIBE = STATMOUNT_SB_BASIC | STATMOUNT_MNT_BASIC | STATMOUNT_MNT_POINT
            | STATMOUNT_FS_TYPE | STATMOUNT_FS_SUBTYPE | STATMOUNT_SB_SOURCE;

    /** Offsets in {@code struct statmount}; strings are offsets into {@code str[]}, which starts at 512. */
    private static final int SM_MASK = 8;

    private static final int SM_SB_DEV_MAJOR = 16;

    private static final int SM_SB_DEV_MINOR = 20;

    private static final int SM_FS_TYPE = 36;

    private static final int SM_MNT_ID = 40;

    private static final int SM_MNT_PARENT_ID = 48;

    private static final int SM_MNT_ID_OLD = 56;

    private static final int SM_MNT_POINT = 108;

    private static final int SM_FS_SUBTYPE = 120;

    private static final int SM_SB_SOURCE = 124;

    private static final int SM_STRINGS = 512;

    private static final int EOVERFLOW = 75;

    // poll.h
    private static final short POLLIN = 0x1;

    private static final short POLLERR = 0x8;

    private static final short POLLNVAL = 0x20;

    /** Room for the header and a few paths; grown (per thread) when statmount says EOVERFLOW. */
    private static final int INITIAL_BUFFER = 4096;

    private static final int REQUEST_AT = 0;

    private static final int POLLFD_AT = 32;

    private static final int STATX_AT = 64;

    private static final int STATMOUNT_AT = STATX_AT + STATX_SIZE;

    private static final MountSyscalls SYSCALLS;

    private static final ThreadLocal<Pointer> BUFFERS = new ThreadLocal<>();

    private static volatile boolean available;

    static {
        MountSyscalls syscalls = null;
        if (Native.isAvailable()) {
            try {
                syscalls = LibraryLoader.create(MountSyscalls.class)
                    .option(LibraryOption.SaveError, true)
                    .failImmediately()
                    .load("c");
            }
            catch (Throwable ex) {
                // then every question is answered from mountinfo
            }
        }
        SYSCALLS = syscalls;
        available = syscalls != null;
    }

    private KernelMounts() {
    }

    /**
     * Whether statx knows unique mount ids and statmount exists here, as far as known: true until a
     * call proved otherwise.
     */
    public static boolean isAvailable() {
        return available;
    }

    /**
     * What statx says about the mount a path is on, and about the path itself: its file type and
     * permission bits ({@code mode}, -1 when the kernel did not say).
     */
    public record PathMount(int errno, long mountId, boolean mountRoot, int devMajor, int devMinor, int mode) {

        /** Whether statx answered. */
        public boolean ok() {
            return this.errno == 0;
        }

        /** Whether the path itself (not followed, were it a symbolic link) is a directory. */
        public boolean isDirectory() {
            return this.mode != -1 && (this.mode & S_IFMT) == S_IFDIR;
        }

        static PathMount failed(int errno) {
            return new PathMount(errno, 0, false, 0, 0, -1);
        }

    }

    /**
     * {@code statx(path, AT_SYMLINK_NOFOLLOW | AT_STATX_DONT_SYNC, STATX_MNT_ID_UNIQUE | STATX_TYPE |
     * STATX_MODE)} (type and mode come from the inode as it is cached: no request to a FUSE server
     * either). A failed call gives its errno; a kernel without unique mount ids gives ENOSYS (and
     * {@link #isAvailable()} turns false).
     */
    public static PathMount statx(String path) {
        if (!available) {
            return PathMount.failed(Errno.ENOSYS);
        }
        Pointer buffer = buffer(0);
        Pointer stat = buffer.slice(STATX_AT, STATX_SIZE);
        stat.putInt(STX_MASK, 0);
        if (Native.libc().statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW | AT_STATX_DONT_SYNC,
                STATX_MNT_ID_UNIQUE | STATX_TYPE_AND_MODE, stat) != 0) {
            return PathMount.failed(Native.lastErrno());
        }
        int mask = stat.getInt(STX_MASK);
        if ((mask & STATX_MNT_ID_UNIQUE) == 0 || (stat.getLong(STX_ATTRIBUTES_MASK) & STATX_ATTR_MOUNT_ROOT) == 0) {
            available = false; // before Linux 6.8
            return PathMount.failed(Errno.ENOSYS);
        }
        int mode = ((mask & STATX_TYPE_AND_MODE) == STATX_TYPE_AND_MODE) ? Short.toUnsignedInt(stat.getShort(STX_MODE))
                : -1;
        return new PathMount(0, stat.getLong(STX_MNT_ID), (stat.getLong(STX_ATTRIBUTES) & STATX_ATTR_MOUNT_ROOT) != 0,
                stat.getInt(STX_DEV_MAJOR), stat.getInt(STX_DEV_MINOR), mode);
    }

    /**
     * One mount as statmount describes it. {@code type} is written as mountinfo writes it
     * ({@code fuse.<subtype>}); {@code complete} is false when this kernel could not say the source
     * or subtype (before Linux 6.13), so that only the numbers can be trusted.
     */
    public record Description(int errno, long mountId, long parentId, int oldMountId, int devMajor, int devMinor,
            String type, String mountPoint, String source, boolean complete) {

        /** Whether statmount answered. */
        public boolean ok() {
            return this.errno == 0;
        }

    }

    /**
     * {@code statmount(mountId, SB_BASIC | MNT_BASIC | MNT_POINT | FS_TYPE | FS_SUBTYPE | SB_SOURCE)}.
     * ENOENT means no such mount in this process's mount namespace (unmounted or detached).
     */
    public static Description statmount(long mountId) {
        Answer answer = statmount(mountId, DESCRIBE);
        return answer.ok() ? describe(answer.out) : failed(answer.errno);
    }

    /**
     * The source of one mount ({@code statmount(mountId, SB_SOURCE)}), asking the kernel for nothing
     * else; null when the call failed or this kernel does not say the source (before Linux 6.13).
     */
    public static String source(long mountId) {
        Answer answer = statmount(mountId, STATMOUNT_SB_SOURCE);
        return (answer.ok() && (answer.out.getLong(SM_MASK) & STATMOUNT_SB_SOURCE) != 0)
                ? string(answer.out, SM_SB_SOURCE) : null;
    }

    /** What one statmount call gave: the calling thread's {@code struct statmount}, or an errno. */
    private record Answer(int errno, Pointer out) {

        boolean ok() {
            return this.errno == 0;
        }

    }

    private static Answer statmount(long mountId, long fields) {
        if (!available) {
            return new Answer(Errno.ENOSYS, null);
        }
        int size = INITIAL_BUFFER;
        while (true) {
            Pointer buffer = buffer(STATMOUNT_AT + size);
            Pointer request = buffer.slice(REQUEST_AT, MNT_ID_REQ_SIZE_VER0);
            request.putInt(0, MNT_ID_REQ_SIZE_VER0);
            request.putInt(4, 0);
            request.putLong(8, mountId);
            request.putLong(16, fields);
            Pointer out = buffer.slice(STATMOUNT_AT, size);
            if (SYSCALLS.syscall(SYS_STATMOUNT, request, out, size, 0) >= 0) {
                return new Answer(0, out);
            }
            int errno = Native.lastErrno();
            if (errno == EOVERFLOW && size < (1 << 20)) {
                size *= 4;
                continue;
            }
            if (errno == Errno.ENOSYS) {
                available = false;
            }
            return new Answer(errno, null);
        }
    }

    private static Description describe(Pointer out) {
        long mask = out.getLong(SM_MASK);
        String type = ((mask & STATMOUNT_FS_TYPE) != 0) ? string(out, SM_FS_TYPE) : "";
        if ((mask & STATMOUNT_FS_SUBTYPE) != 0) {
            String subtype = string(out, SM_FS_SUBTYPE);
            if (!subtype.isEmpty()) {
                type = type + "." + subtype;
            }
        }
        boolean complete = (mask & (STATMOUNT_SB_BASIC | STATMOUNT_MNT_BASIC | STATMOUNT_MNT_POINT | STATMOUNT_FS_TYPE
                | STATMOUNT_SB_SOURCE)) == (STATMOUNT_SB_BASIC | STATMOUNT_MNT_BASIC | STATMOUNT_MNT_POINT
                        | STATMOUNT_FS_TYPE | STATMOUNT_SB_SOURCE);
        return new Description(0, out.getLong(SM_MNT_ID), out.getLong(SM_MNT_PARENT_ID), out.getInt(SM_MNT_ID_OLD),
                out.getInt(SM_SB_DEV_MAJOR), out.getInt(SM_SB_DEV_MINOR), type,
                ((mask & STATMOUNT_MNT_POINT) != 0) ? string(out, SM_MNT_POINT) : "",
                ((mask & STATMOUNT_SB_SOURCE) != 0) ? string(out, SM_SB_SOURCE) : "", complete);
    }

    private static String string(Pointer out, int field) {
        long at = SM_STRINGS + Integer.toUnsignedLong(out.getInt(field));
        return out.getString(at, (int) (out.size() - at), StandardCharsets.UTF_8);
    }

    private static Description failed(int errno) {
        return new Description(errno, 0, 0, 0, 0, 0, "", "", "", false);
    }

    /** What {@link #connectionState} answers. */
    public enum ConnectionState {

        /** The descriptor's FUSE connection exists and is connected. */
        CONNECTED,

        /** The connection was aborted or its superblock is gone (poll reports POLLERR). */
        ENDED,

        /** The descriptor could not be polled (closed, or not a descriptor). */
        UNKNOWN

    }

    /**
     * Polls a {@code /dev/fuse} descriptor without waiting. The kernel reports POLLERR once the
     * connection is no longer connected (fs/fuse/dev.c, fuse_dev_poll), which happens before its
     * fusectl directory and its device number are released: while this says CONNECTED, the
     * connection id (that device number) is still this descriptor's.
     */
    public static ConnectionState connectionState(int fd) {
        if (fd < 0) {
            return ConnectionState.UNKNOWN;
        }
        Pointer pollfd = buffer(0).slice(POLLFD_AT, 8);
        pollfd.putInt(0, fd);
        pollfd.putShort(4, POLLIN);
        pollfd.putShort(6, (short) 0);
        if (Native.libc().poll(pollfd, 1, 0) < 0) {
            return ConnectionState.UNKNOWN;
        }
        short revents = pollfd.getShort(6);
        if ((revents & POLLNVAL) != 0) {
            return ConnectionState.UNKNOWN;
        }
        return ((revents & POLLERR) != 0) ? ConnectionState.ENDED : ConnectionState.CONNECTED;
    }

    /** The calling thread's buffer, at least {@code size} bytes (and always room for the fixed parts). */
    private static Pointer buffer(int size) {
        int needed = Math.max(size, STATMOUNT_AT + INITIAL_BUFFER);
        Pointer buffer = BUFFERS.get();
        if (buffer == null || buffer.size() < needed) {
            buffer = Memory.allocateDirect(Native.runtime(), needed, true);
            BUFFERS.set(buffer);
        }
        return buffer;
    }

}
