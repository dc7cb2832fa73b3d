// fuse_out_header: the 16 bytes in front of every reply to the kernel.
package io.github.fusespringboot.mount.protocol;

import java.nio.ByteBuffer;

/** Encodes {@code struct fuse_out_header}: total length, negative errno (or 0), the request's unique. */
public final class OutHeader {

    /** {@code sizeof(struct fuse_out_header)}. */
    public static final int SIZE = 16;

    private OutHeader() {
    }

    /** Writes the header at the start of {@code buffer}; {@code errno} is positive (0 for success). */
    public static void encode(ByteBuffer buffer, int totalLength, int errno, long unique) {
        buffer.putInt(0, totalLength);
        buffer.putInt(4, -errno);
        buffer.putLong(8, unique);
    }

}
