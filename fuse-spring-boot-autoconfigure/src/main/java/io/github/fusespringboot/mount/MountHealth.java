// The health of one mount as the probe saw it.
package io.github.fusespringboot.mount;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether a mount is healthy, and why not. {@code lastProbeLatency} is null when no probe answered.
 */
public record MountHealth(boolean up, String reason, MountState state, Instant checkedAt, Duration lastProbeLatency,
        Integer waitingRequests) {

    static MountHealth up(MountState state, Duration latency, Integer waiting) {
        return new MountHealth(true, null, state, Instant.now(), latency, waiting);
    }

    static MountHealth down(String reason, MountState state, Duration latency, Integer waiting) {
        return new MountHealth(false, reason, state, Instant.now(), latency, waiting);
    }

}
