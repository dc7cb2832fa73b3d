// An open directory and the entries its readdir filled, served to the kernel by offset.
package io.github.fusespringboot.mount.bridge;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.github.fusespringboot.mount.protocol.Replies;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.FuseFillDir;

/**
 * lib/fuse.c's {@code struct fuse_dh}: the filesystem's own handle, and the filler it calls. A filler
 * called with offset 0 (what most jnr-fuse filesystems do) collects the whole directory once, as
 * encoded {@code fuse_dirent}s whose offsets are positions in that listing, and later READDIRs are
 * slices of it; a filler called with non-zero offsets writes straight into the reply until it is
 * full, and the filesystem is called again for each READDIR ("offset mode").
 */
final class DirectoryHandle implements FuseFillDir {

    /** lib/fuse.c's FUSE_UNKNOWN_INO: the inode number of an entry the table does not know. */
    static final long UNKNOWN_INO = 0xffffffffL;

    final long fh;

    final String path;

    private final boolean useIno;

    /** Collected entries (full mode). */
    private byte[] listing = new byte[0];

    private int length;

    boolean filled;

    // the reply being filled (offset mode) and its limit
    private ByteBuffer reply;

    private int replyAt;

    private int replyLimit;

    private boolean offsetMode;

    private final ByteBuffer scratch = ByteBuffer.allocate(4096).order(java.nio.ByteOrder.LITTLE_ENDIAN);

    /** readdir_ino: the node table to take an entry's inode number from when the kernel knows it, or null. */
    private final NodeTable inodes;

    private final long nodeId;

    DirectoryHandle(long fh, String path, boolean useIno, NodeTable inodes, long nodeId) {
        this.fh = fh;
        this.path = path;
        this.useIno = useIno;
        this.inodes = inodes;
        this.nodeId = nodeId;
    }

    /** Prepares for one call of the filesystem's readdir answering a READDIR of {@code size} bytes. */
    void beginFill(ByteBuffer reply, int size) {
        this.length = 0;
        this.filled = false;
        this.offsetMode = false;
        this.reply = reply;
        this.replyAt = 0;
        this.replyLimit = size;
    }

    /** After the filesystem's readdir returned: whether it used full mode. */
    void endFill() {
        this.filled = !this.offsetMode;
        this.reply = null;
    }

    /** The collected entries (full mode) as a little-endian buffer, {@link #length()} bytes long. */
    ByteBuffer listing() {
        return ByteBuffer.wrap(this.listing, 0, this.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    int length() {
        return this.length;
    }

    /** The directory's node id. */
    long nodeId() {
        return this.nodeId;
    }

    /** Bytes written straight into the reply (offset mode). */
    int replyLength() {
        return this.replyAt;
    }

    /** Copies the collected entries from {@code offset} into the reply, at most {@code size} bytes. */
    int copyListing(ByteBuffer out, long offset, int size) {
        if (offset < 0 || offset >= this.length) {
            return 0;
        }
        int from = (int) offset;
        int count = Math.min(size, this.length - from);
        // never cut an entry in two: stop at the last whole one
        int end = from;
        while (end < from + count) {
            int nameLength = ByteBuffer.wrap(this.listing, end + 16, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
            int entry = Replies.direntSize(nameLength);
            if (end + entry > from + count) {
                break;
            }
            end += entry;
        }
        out.put(0, this.listing, from, end - from);
        return end - from;
    }

    @Override
    public int apply(Pointer buf, ByteBuffer name, Pointer stbuf, long off) {
        int nameLength = name.remaining();
        byte[] bytes = new byte[nameLength];
        name.get(name.position(), bytes, 0, nameLength);
        if (nameLength > 0 && bytes[nameLength - 1] == 0) {
            nameLength--;
        }
        long ino = UNKNOWN_INO;
        int type = 0;
        if (stbuf != null) {
            // struct stat on LP64 Linux: st_ino at 8, st_mode at 24 (what jnr-fuse's FileStat lays out)
            long statIno = stbuf.getLong(8);
            int mode = stbuf.getInt(24);
            type = (mode & 0170000) >> 12;
            if (this.useIno && statIno != 0) {
                ino = statIno;
            }
        }
        if (this.inodes != null) {
            // lib/fuse.c's readdir_ino: an entry the kernel has looked up shows its node id
            long id = this.inodes.idOf(this.nodeId, new String(bytes, 0, nameLength, StandardCharsets.UTF_8));
            if (id != 0) {
                ino = id;
            }
        }
        if (off != 0) {
            this.offsetMode = true;
            int written = Replies.dirent(this.reply, this.replyAt, this.replyLimit, ino, off, type, bytes, nameLength);
            if (written == 0) {
                return 1; // the reply is full
            }
            this.replyAt += written;
            return 0;
        }
        if (this.offsetMode) {
            return 1; // mixing the modes: libfuse stops there too
        }
        int size = Replies.direntSize(nameLength);
        if (this.length + size > this.listing.length) {
            byte[] grown = new byte[Math.max(this.listing.length * 2, this.length + size + 1024)];
            System.arraycopy(this.listing, 0, grown, 0, this.length);
            this.listing = grown;
        }
        ByteBuffer target = (size <= this.scratch.capacity()) ? this.scratch
                : ByteBuffer.allocate(size).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        Replies.dirent(target, 0, size, ino, this.length + size, type, bytes, nameLength);
        target.get(0, this.listing, this.length, size);
        this.length += size;
        return 0;
    }

}
