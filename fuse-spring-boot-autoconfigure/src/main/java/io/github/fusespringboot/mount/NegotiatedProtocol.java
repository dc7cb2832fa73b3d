// What a mount's session agreed with the kernel in FUSE_INIT: version, sizes and capability flags.
package io.github.fusespringboot.mount;

import java.util.List;

import io.github.fusespringboot.mount.protocol.InitFlags;
import io.github.fusespringboot.mount.protocol.InitNegotiation;

/**
 * The outcome of a mount's FUSE_INIT, from {@link FuseMount#negotiated()}. With the protocol engine
 * these are the values the engine sent the kernel. With libfuse2 they are what libfuse 2.9 handed the
 * filesystem's {@code init} in its {@code fuse_conn_info} after the call: protocol 7.19 at most (the
 * newest libfuse 2.9 speaks), its max_write and max_readahead, and the capabilities it wanted; libfuse2
 * has no max_pages nor time_gran (both 0 here).
 *
 * @param engine the session engine that negotiated
 * @param major the protocol major version (7)
 * @param minor the protocol minor version agreed on
 * @param maxWrite the largest WRITE request the kernel sends, in bytes
 * @param maxReadahead the most read-ahead the kernel does, in bytes
 * @param maxPages the most pages per request (0 without FUSE_MAX_PAGES)
 * @param timeGran the granularity of timestamps in nanoseconds (0 when not negotiated)
 * @param flags the capability flags enabled, by their linux/fuse.h names without {@code FUSE_}
 */
public record NegotiatedProtocol(SessionEngine engine, int major, int minor, int maxWrite, int maxReadahead,
        int maxPages, int timeGran, List<String> flags) {

    /** The newest protocol minor version libfuse 2.9 speaks ({@code FUSE_KERNEL_MINOR_VERSION} there). */
    public static final int LIBFUSE2_MINOR = 19;

    public NegotiatedProtocol {
        flags = List.copyOf(flags);
    }

    /** The protocol version as {@code major.minor}, e.g. {@code 7.38}. */
    public String version() {
        return this.major + "." + this.minor;
    }

    /** Whether a flag ({@code "ASYNC_READ"}, ...) was enabled. */
    public boolean enabled(String flag) {
        return this.flags.contains(flag);
    }

    static NegotiatedProtocol of(InitNegotiation.Outcome outcome) {
        return new NegotiatedProtocol(SessionEngine.PROTOCOL, outcome.major(), outcome.minor(), outcome.maxWrite(),
                outcome.maxReadahead(), outcome.maxPages(), outcome.timeGran(), InitFlags.names(outcome.flags()));
    }

    static NegotiatedProtocol libfuse2(int kernelMajor, int kernelMinor, int maxWrite, int maxReadahead, long flags) {
        int minor = (kernelMajor > 7) ? LIBFUSE2_MINOR : Math.min(kernelMinor, LIBFUSE2_MINOR);
        return new NegotiatedProtocol(SessionEngine.LIBFUSE, 7, minor, maxWrite, maxReadahead, 0, 0,
                InitFlags.names(flags));
    }

}
