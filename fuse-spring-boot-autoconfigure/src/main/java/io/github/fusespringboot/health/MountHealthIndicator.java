// The health of one mount, from the engine's MountProbe.
package io.github.fusespringboot.health;

import java.util.Optional;

import io.github.fusespringboot.context.DeclaredMount;
import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.MountHealth;
import io.github.fusespringboot.mount.MountProbe;
import io.github.fusespringboot.mount.MountSpec;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * UP when the mount is mounted, still in the mount table as ours, served, and its root answers a
 * getattr within the probe timeout; DOWN with the reason otherwise; UNKNOWN for a declared mount that
 * has not been mounted yet. Never blocks longer than the probe timeout.
 */
final class MountHealthIndicator implements HealthIndicator {

    private final DeclaredMount declared;

    private final FuseMount runtime;

    private final MountProbe probe;

    MountHealthIndicator(DeclaredMount declared, FuseMount runtime, MountProbe probe) {
        this.declared = declared;
        this.runtime = runtime;
        this.probe = probe;
    }

    Optional<FuseMount> mount() {
        return (this.declared != null) ? this.declared.mount() : Optional.of(this.runtime);
    }

    @Override
    public Health health() {
        Optional<FuseMount> mount = mount();
        if (mount.isEmpty()) {
            MountSpec spec = this.declared.spec();
            Health.Builder builder = this.declared.failure().isPresent() ? Health.down() : Health.unknown();
            builder.withDetail("mountPoint", spec.mountPoint().toString());
            this.declared.failure().ifPresentOrElse((failure) -> {
                builder.withDetail("state", "FAILED");
                builder.withDetail("error", failure.getMessage());
            }, () -> builder.withDetail("state", "NOT_MOUNTED"));
            return builder.build();
        }
        FuseMount fuseMount = mount.get();
        MountHealth health = this.probe.check(fuseMount);
        Health.Builder builder = health.up() ? Health.up() : Health.down();
        builder.withDetail("mountPoint", fuseMount.mountPoint().toString())
            .withDetail("state", health.state().name())
            .withDetail("since", fuseMount.since().toString())
            .withDetail("loop", fuseMount.spec().multithreaded() ? "multi-threaded" : "single-threaded")
            .withDetail("servingThreads", fuseMount.servingThreads());
        if (health.lastProbeLatency() != null) {
            builder.withDetail("lastProbeLatencyMs", health.lastProbeLatency().toNanos() / 1e6);
        }
        if (health.waitingRequests() != null) {
            builder.withDetail("waitingRequests", health.waitingRequests());
        }
        if (fuseMount.callbackErrors() > 0) {
            builder.withDetail("callbackErrors", fuseMount.callbackErrors());
        }
        if (health.reason() != null) {
            builder.withDetail("reason", health.reason());
        }
        return builder.build();
    }

}
