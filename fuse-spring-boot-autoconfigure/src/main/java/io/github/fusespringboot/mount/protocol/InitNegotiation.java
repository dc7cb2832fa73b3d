// FUSE_INIT: agree on version, sizes and capabilities with the kernel, and encode fuse_init_out.
package io.github.fusespringboot.mount.protocol;

import java.nio.ByteBuffer;

/**
 * The INIT handshake as pure data. Version: major 7, minor the lower of the kernel's and
 * {@link #MINOR}; a kernel offering a major above 7 gets only "7.MINOR" and sends INIT again.
 * Capabilities: what the kernel offers AND what the engine wants, nothing else; sizes: max_write
 * within what {@code max_pages} (bounded by the kernel's {@code max_pages_limit}) allows.
 */
public final class InitNegotiation {

    /** The protocol major version this engine speaks. */
    public static final int MAJOR = 7;

    /** The newest minor version this engine knows (linux/fuse.h of kernel 6.x, protocol 7.38). */
    public static final int MINOR = 38;

    /** {@code sizeof(struct fuse_init_out)}. */
    public static final int OUT_SIZE = 64;

    /** The kernel's own upper bound on max_pages ({@code FUSE_MAX_MAX_PAGES}) before it became tunable. */
    public static final int DEFAULT_MAX_PAGES_LIMIT = 256;

    /** Without FUSE_MAX_PAGES the kernel sends at most 32 pages per request. */
    private static final int LEGACY_MAX_PAGES = 32;

    private static final int PAGE_SIZE = 4096;

    /** EPROTO: what libfuse answers a major below 7 with. */
    public static final int EPROTO = 71;

    private InitNegotiation() {
    }

    /**
     * What the engine asks for.
     * @param maxWrite the largest WRITE the engine accepts (its read buffer is this plus a page)
     * @param maxPagesLimit the kernel's {@code /proc/sys/fs/fuse/max_pages_limit} (or 256)
     * @param wanted the capabilities the engine implements and wants on
     * @param maxReadahead the most read-ahead the engine wants ({@code Integer.MAX_VALUE}: the kernel's)
     * @param maxBackground pending background requests (0: the kernel's default)
     * @param congestionThreshold (0: the kernel's default)
     */
    public record Policy(int maxWrite, int maxPagesLimit, long wanted, int maxReadahead, int maxBackground,
            int congestionThreshold) {
    }

    /**
     * The outcome. {@code again} is true when the kernel offered a newer major: the reply carries
     * only the version and a second INIT follows. {@code errno} non-zero: answer INIT with that error.
     */
    public record Outcome(int errno, boolean again, int major, int minor, int maxReadahead, long flags,
            int maxWrite, int maxPages, int maxBackground, int congestionThreshold, int timeGran) {

        /** The number of bytes of {@code fuse_init_out} this minor version expects. */
        public int replySize() {
            if (this.again || this.minor >= 23) {
                return OUT_SIZE;
            }
            return (this.minor >= 5) ? 24 : 8;
        }

    }

    /** Negotiates with what the kernel sent. */
    public static Outcome negotiate(Requests.Init kernel, Policy policy) {
        if (kernel.major() < MAJOR) {
            return new Outcome(EPROTO, false, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        if (kernel.major() > MAJOR) {
            return new Outcome(0, true, MAJOR, MINOR, 0, 0, 0, 0, 0, 0, 0);
        }
        int minor = Math.min(kernel.minor(), MINOR);
        long offered = kernel.flags();
        long flags = offered & policy.wanted();
        if (minor < 36 || (offered & InitFlags.INIT_EXT) == 0) {
            flags &= 0xFFFF_FFFFL; // no flags2 without the extended INIT
            flags &= ~InitFlags.INIT_EXT;
        }
        int maxWrite = Math.max(policy.maxWrite(), PAGE_SIZE);
        int maxPages = 0;
        if ((flags & InitFlags.MAX_PAGES) != 0) {
            int limit = Math.max(1, policy.maxPagesLimit());
            maxPages = Math.min((maxWrite + PAGE_SIZE - 1) / PAGE_SIZE, limit);
            maxWrite = Math.min(maxWrite, maxPages * PAGE_SIZE);
        }
        else {
            maxWrite = Math.min(maxWrite, LEGACY_MAX_PAGES * PAGE_SIZE);
        }
        int readahead = (int) Math.min(Integer.toUnsignedLong(kernel.maxReadahead()),
                Integer.toUnsignedLong(policy.maxReadahead()));
        return new Outcome(0, false, MAJOR, minor, readahead, flags, maxWrite, maxPages,
                Math.min(policy.maxBackground(), 0xFFFF), Math.min(policy.congestionThreshold(), 0xFFFF), 1);
    }

    /** Writes {@code fuse_init_out} at {@code at}; returns the bytes to send ({@link Outcome#replySize()}). */
    public static int encode(ByteBuffer buffer, int at, Outcome outcome) {
        for (int i = 0; i < OUT_SIZE; i += 8) {
            buffer.putLong(at + i, 0);
        }
        buffer.putInt(at, outcome.major());
        buffer.putInt(at + 4, outcome.minor());
        if (!outcome.again()) {
            buffer.putInt(at + 8, outcome.maxReadahead());
            buffer.putInt(at + 12, (int) outcome.flags());
            buffer.putShort(at + 16, (short) outcome.maxBackground());
            buffer.putShort(at + 18, (short) outcome.congestionThreshold());
            buffer.putInt(at + 20, outcome.maxWrite());
            buffer.putInt(at + 24, outcome.timeGran());
            buffer.putShort(at + 28, (short) outcome.maxPages());
            buffer.putShort(at + 30, (short) 0); // map_alignment
            buffer.putInt(at + 32, (int) (outcome.flags() >>> 32));
        }
        return outcome.replySize();
    }

}
