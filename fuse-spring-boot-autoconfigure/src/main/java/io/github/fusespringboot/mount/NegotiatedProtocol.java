// What a mount's session agreed with the kernel in FUSE_INIT: version, sizes and capability flags.
package io.github.fusespringboot.mount;

import java.util.List;

import io.github.fusespringboot.mount.protocol.InitFlags;
import io.github.fusespringboot.mount.protocol.InitNegotiation;

/**
 * The outcome of a mount's FUSE_INIT, from {@link FuseMount#negotiated()}: the values the engine sent
 * the kernel in its INIT reply.
 *
 * @param major the protocol major version (7)
 * @param minor the protocol minor version agreed on
 * @param maxWrite the largest WRITE request the kernel sends, in bytes
 * @param maxReadahead the most read-ahead the kernel does, in bytes
 * @param maxPages the most pages per request (0 without FUSE_MAX_PAGES)
 * @param timeGran the granularity of timestamps in nanoseconds (0 when not negotiated)
 * @param flags the capability flags enabled, by their linux/fuse.h names without {@code FUSE_}
 */
public record NegotiatedProtocol(int major, int minor, int maxWrite, int maxReadahead, int maxPages, int timeGran,
        List<String> flags) {

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
        return new NegotiatedProtocol(outcome.major(), outcome.minor(), outcome.maxWrite(), outcome.maxReadahead(),
                outcome.maxPages(), outcome.timeGran(), InitFlags.names(outcome.flags()));
    }

}
