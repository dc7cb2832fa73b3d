// struct fuse_attr, filled by the bridge and encoded into entry/attr replies.
package io.github.fusespringboot.mount.protocol;

import java.nio.ByteBuffer;

/** A file's attributes as the kernel wants them (88 bytes). Mutable, reused per serving thread. */
public final class Attr {

    /** {@code sizeof(struct fuse_attr)}. */
    public static final int SIZE = 88;

    public long ino;

    public long size;

    public long blocks;

    public long atime;

    public long mtime;

    public long ctime;

    public int atimensec;

    public int mtimensec;

    public int ctimensec;

    public int mode;

    public int nlink;

    public int uid;

    public int gid;

    public int rdev;

    public int blksize;

    public int flags;

    /** Writes the attributes at {@code at}. */
    public void encode(ByteBuffer buffer, int at) {
        buffer.putLong(at, this.ino);
        buffer.putLong(at + 8, this.size);
        buffer.putLong(at + 16, this.blocks);
        buffer.putLong(at + 24, this.atime);
        buffer.putLong(at + 32, this.mtime);
        buffer.putLong(at + 40, this.ctime);
        buffer.putInt(at + 48, this.atimensec);
        buffer.putInt(at + 52, this.mtimensec);
        buffer.putInt(at + 56, this.ctimensec);
        buffer.putInt(at + 60, this.mode);
        buffer.putInt(at + 64, this.nlink);
        buffer.putInt(at + 68, this.uid);
        buffer.putInt(at + 72, this.gid);
        buffer.putInt(at + 76, this.rdev);
        buffer.putInt(at + 80, this.blksize);
        buffer.putInt(at + 84, this.flags);
    }

}
