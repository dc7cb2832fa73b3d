// What statx(2) said about a file, copied out of native memory.
package io.github.fusespringboot.test.conformance.natives;

/** The {@code statx(2)} fields the kit checks; times are seconds and nanoseconds. */
public record FileStatus(int mode, long nlink, int uid, int gid, long ino, long size, long blocks, long atimeSeconds,
        int atimeNanos, long mtimeSeconds, int mtimeNanos, long ctimeSeconds, int ctimeNanos, int rdevMajor,
        int rdevMinor) {

    public static final int S_IFMT = 0170000;

    public static final int S_IFREG = 0100000;

    public static final int S_IFDIR = 0040000;

    public static final int S_IFLNK = 0120000;

    public static final int S_IFIFO = 0010000;

    public static final int S_IFCHR = 0020000;

    public static final int S_IFSOCK = 0140000;

    /** The file type bits ({@code S_IFMT}). */
    public int type() {
        return this.mode & S_IFMT;
    }

    /** The permission bits, set-id and sticky bits included. */
    public int permissions() {
        return this.mode & 07777;
    }

}
