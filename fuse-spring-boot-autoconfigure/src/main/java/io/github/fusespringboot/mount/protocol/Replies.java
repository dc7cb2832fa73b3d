// The reply bodies of the FUSE protocol (linux/fuse.h, protocol 7.38), encoded into a payload buffer.
package io.github.fusespringboot.mount.protocol;

import java.nio.ByteBuffer;

/**
 * Encoders of reply bodies. Each writes at an offset of the payload buffer (the reply header is
 * written separately) and returns the number of bytes written.
 */
public final class Replies {

    /** {@code sizeof(struct fuse_entry_out)}. */
    public static final int ENTRY_OUT_SIZE = 40 + Attr.SIZE;

    /** {@code sizeof(struct fuse_attr_out)}. */
    public static final int ATTR_OUT_SIZE = 16 + Attr.SIZE;

    /** {@code sizeof(struct fuse_open_out)}. */
    public static final int OPEN_OUT_SIZE = 16;

    /** {@code sizeof(struct fuse_write_out)}. */
    public static final int WRITE_OUT_SIZE = 8;

    /** {@code sizeof(struct fuse_statfs_out)}. */
    public static final int STATFS_OUT_SIZE = 80;

    /** {@code sizeof(struct fuse_getxattr_out)}. */
    public static final int GETXATTR_OUT_SIZE = 8;

    /** {@code sizeof(struct fuse_lseek_out)}. */
    public static final int LSEEK_OUT_SIZE = 8;

    /** {@code sizeof(struct fuse_lk_out)}. */
    public static final int LK_OUT_SIZE = 24;

    /** {@code offsetof(struct fuse_dirent, name)}. */
    public static final int DIRENT_NAME_OFFSET = 24;

    /** FOPEN_* flags of {@code fuse_open_out.open_flags}. */
    public static final int FOPEN_DIRECT_IO = 1;

    public static final int FOPEN_KEEP_CACHE = 1 << 1;

    public static final int FOPEN_NONSEEKABLE = 1 << 2;

    /** Since protocol 7.35: the kernel sends no FLUSH when the file is closed (ignored with writeback_cache). */
    public static final int FOPEN_NOFLUSH = 1 << 5;

    private Replies() {
    }

    /** {@code fuse_entry_out}; a node id of 0 is a negative entry (cached for {@code entryValid}). */
    public static int entry(ByteBuffer buffer, int at, long nodeId, long generation, long entryValidNanos,
            long attrValidNanos, Attr attr) {
        buffer.putLong(at, nodeId);
        buffer.putLong(at + 8, generation);
        buffer.putLong(at + 16, entryValidNanos / 1_000_000_000L);
        buffer.putLong(at + 24, attrValidNanos / 1_000_000_000L);
        buffer.putInt(at + 32, (int) (entryValidNanos % 1_000_000_000L));
        buffer.putInt(at + 36, (int) (attrValidNanos % 1_000_000_000L));
        attr.encode(buffer, at + 40);
        return ENTRY_OUT_SIZE;
    }

    /** {@code fuse_lk_out}: the lock found by GETLK ({@code end} inclusive). */
    public static int lk(ByteBuffer buffer, int at, long start, long end, int type, int pid) {
        buffer.putLong(at, start);
        buffer.putLong(at + 8, end);
        buffer.putInt(at + 16, type);
        buffer.putInt(at + 20, pid);
        return LK_OUT_SIZE;
    }

    /** {@code fuse_attr_out}. */
    public static int attr(ByteBuffer buffer, int at, long attrValidNanos, Attr attr) {
        buffer.putLong(at, attrValidNanos / 1_000_000_000L);
        buffer.putInt(at + 8, (int) (attrValidNanos % 1_000_000_000L));
        buffer.putInt(at + 12, 0);
        attr.encode(buffer, at + 16);
        return ATTR_OUT_SIZE;
    }

    /** {@code fuse_open_out}. */
    public static int open(ByteBuffer buffer, int at, long fh, int openFlags) {
        buffer.putLong(at, fh);
        buffer.putInt(at + 8, openFlags);
        buffer.putInt(at + 12, 0);
        return OPEN_OUT_SIZE;
    }

    /** {@code fuse_write_out}. */
    public static int write(ByteBuffer buffer, int at, int size) {
        buffer.putInt(at, size);
        buffer.putInt(at + 4, 0);
        return WRITE_OUT_SIZE;
    }

    /** {@code fuse_getxattr_out}: the size a GETXATTR/LISTXATTR with size 0 asks for. */
    public static int xattrSize(ByteBuffer buffer, int at, int size) {
        buffer.putInt(at, size);
        buffer.putInt(at + 4, 0);
        return GETXATTR_OUT_SIZE;
    }

    /** {@code fuse_lseek_out}. */
    public static int lseek(ByteBuffer buffer, int at, long offset) {
        buffer.putLong(at, offset);
        return LSEEK_OUT_SIZE;
    }

    /** {@code fuse_statfs_out} ({@code struct fuse_kstatfs}). */
    public static int statfs(ByteBuffer buffer, int at, long blocks, long bfree, long bavail, long files,
            long ffree, int bsize, int namelen, int frsize) {
        buffer.putLong(at, blocks);
        buffer.putLong(at + 8, bfree);
        buffer.putLong(at + 16, bavail);
        buffer.putLong(at + 24, files);
        buffer.putLong(at + 32, ffree);
        buffer.putInt(at + 40, bsize);
        buffer.putInt(at + 44, namelen);
        buffer.putInt(at + 48, frsize);
        for (int i = 52; i < STATFS_OUT_SIZE; i += 4) {
            buffer.putInt(at + i, 0);
        }
        return STATFS_OUT_SIZE;
    }

    /** The space one {@code fuse_dirent} with a name of {@code nameLength} bytes takes (8-byte aligned). */
    public static int direntSize(int nameLength) {
        return (DIRENT_NAME_OFFSET + nameLength + 7) & ~7;
    }

    /**
     * Writes one {@code fuse_dirent} at {@code at} if it fits below {@code limit}; returns its size,
     * or 0 when it does not fit. {@code type} is the {@code DT_*} type ({@code mode >> 12}).
     */
    public static int dirent(ByteBuffer buffer, int at, int limit, long ino, long nextOffset, int type, byte[] name,
            int nameLength) {
        int size = direntSize(nameLength);
        if (at + size > limit) {
            return 0;
        }
        buffer.putLong(at, ino);
        buffer.putLong(at + 8, nextOffset);
        buffer.putInt(at + 16, nameLength);
        buffer.putInt(at + 20, type);
        buffer.put(at + DIRENT_NAME_OFFSET, name, 0, nameLength);
        for (int i = at + DIRENT_NAME_OFFSET + nameLength; i < at + size; i++) {
            buffer.put(i, (byte) 0);
        }
        return size;
    }

}
