// fuse_in_header: the 40 bytes in front of every request the kernel sends.
package io.github.fusespringboot.mount.protocol;

import java.nio.ByteBuffer;

/**
 * The request header, decoded in place from a little-endian buffer holding one request. The
 * object is mutable and reused per serving thread, so decoding allocates nothing.
 */
public final class InHeader {

    /** {@code sizeof(struct fuse_in_header)}. */
    public static final int SIZE = 40;

    public int length;

    public int opcode;

    public long unique;

    public long nodeId;

    public int uid;

    public int gid;

    public int pid;

    /** Length of the extensions after the body, in 8-byte units (0 unless the engine asked for them). */
    public int totalExtensionLength;

    /**
     * Decodes the header of the request of {@code read} bytes at the start of {@code buffer}.
     * @throws MalformedRequestException when the request is shorter than a header or its length field
     * disagrees with what was read
     */
    public void decode(ByteBuffer buffer, int read) {
        if (read < SIZE) {
            throw new MalformedRequestException("request of " + read + " bytes is shorter than its header");
        }
        this.length = buffer.getInt(0);
        this.opcode = buffer.getInt(4);
        this.unique = buffer.getLong(8);
        this.nodeId = buffer.getLong(16);
        this.uid = buffer.getInt(24);
        this.gid = buffer.getInt(28);
        this.pid = buffer.getInt(32);
        this.totalExtensionLength = Short.toUnsignedInt(buffer.getShort(36));
        if (this.length != read) {
            throw new MalformedRequestException("header says " + this.length + " bytes, read " + read);
        }
        if (SIZE + this.totalExtensionLength * 8L > read) {
            throw new MalformedRequestException("extensions of " + this.totalExtensionLength * 8
                    + " bytes do not fit a request of " + read);
        }
    }

    /** Where the opcode's body ends (extensions, if any, follow it). */
    public int bodyEnd() {
        return this.length - this.totalExtensionLength * 8;
    }

    /** Writes a header (for tests and for building requests). */
    public static void encode(ByteBuffer buffer, int length, int opcode, long unique, long nodeId, int uid,
            int gid, int pid) {
        buffer.putInt(0, length);
        buffer.putInt(4, opcode);
        buffer.putLong(8, unique);
        buffer.putLong(16, nodeId);
        buffer.putInt(24, uid);
        buffer.putInt(28, gid);
        buffer.putInt(32, pid);
        buffer.putInt(36, 0);
    }

}
