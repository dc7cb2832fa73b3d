// Micrometer meters for mounts: how many in each state, how long mounting and unmounting take, failures, operations.
package io.github.fusespringboot.actuate.metrics;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.FuseMountException;
import io.github.fusespringboot.mount.MountListener;
import io.github.fusespringboot.mount.MountManager;
import io.github.fusespringboot.mount.MountSpec;
import io.github.fusespringboot.mount.MountState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Binds the mount meters:
 * <ul>
 * <li>{@code fuse.mounts} (gauge, tag {@code state}): mounts per state, from the manager;</li>
 * <li>{@code fuse.mount} / {@code fuse.unmount} (timers, tag {@code result} success|failure);</li>
 * <li>{@code fuse.failures} (counter, tags {@code phase} and {@code cause}: the errno name, or the
 * exception type when there is none);</li>
 * <li>{@code fuse.operations} (timer, tags {@code mount}, {@code operation}, {@code result}), only
 * when operation timing is switched on, since it costs two clock reads per filesystem call.</li>
 * </ul>
 * The meters of one mount (its {@code fuse.operations} timers) are removed from the registry when the
 * mount is gone, so runtime mounts made and ended by the thousand (per tenant, per job) do not
 * accumulate meters.
 */
public final class FuseMetrics implements MeterBinder, MountListener {

    private final MountManager manager;

    private final boolean operationTimers;

    private final AtomicBoolean listening = new AtomicBoolean();

    /** Per mount, per operation: the success and the error timer (operation names are constants). */
    private final Map<FuseMount, Map<String, Timer[]>> timersByMount = new ConcurrentHashMap<>();

    private volatile MeterRegistry registry;

    public FuseMetrics(MountManager manager, boolean operationTimers) {
        this.manager = manager;
        this.operationTimers = operationTimers;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        for (MountState state : MountState.values()) {
            Gauge.builder("fuse.mounts", this, (metrics) -> metrics.count(state))
                .tag("state", state.name().toLowerCase())
                .description("FUSE mounts of this application, by state")
                .register(registry);
        }
        if (this.listening.compareAndSet(false, true)) {
            this.manager.addListener(this);
            this.manager.setOperationTiming(this.operationTimers);
        }
    }

    private double count(MountState state) {
        Map<MountState, Integer> counts = new EnumMap<>(MountState.class);
        for (FuseMount mount : this.manager.mounts()) {
            counts.merge(mount.state(), 1, Integer::sum);
        }
        return counts.getOrDefault(state, 0);
    }

    @Override
    public void mounted(FuseMount mount, Duration took) {
        record("fuse.mount", "success", took, null);
    }

    @Override
    public void mountFailed(MountSpec spec, FuseMountException error, Duration took) {
        // a call the kernel sent between INIT and a later failing step may have registered timers for it
        for (FuseMount mount : this.timersByMount.keySet()) {
            if (mount.spec() == spec) {
                removeMeters(mount);
            }
        }
        record("fuse.mount", "failure", took, error);
    }

    @Override
    public void unmounted(FuseMount mount, Duration took) {
        removeMeters(mount);
        record("fuse.unmount", "success", took, null);
    }

    @Override
    public void unmountFailed(FuseMount mount, FuseMountException error, Duration took) {
        removeMeters(mount);
        record("fuse.unmount", "failure", took, error);
    }

    private void removeMeters(FuseMount mount) {
        Map<String, Timer[]> timers = this.timersByMount.remove(mount);
        MeterRegistry registry = this.registry;
        if (timers == null || registry == null) {
            return;
        }
        for (Timer[] pair : timers.values()) {
            for (Timer timer : pair) {
                registry.remove(timer);
            }
        }
    }

    private void record(String name, String result, Duration took, FuseMountException error) {
        MeterRegistry registry = this.registry;
        if (registry == null) {
            return;
        }
        Timer.builder(name)
            .tag("result", result)
            .description(name.equals("fuse.mount") ? "Time to mount, until the filesystem answers"
                    : "Time to unmount, escalation included")
            .register(registry)
            .record(took);
        if (error != null) {
            String cause = (error.errnoName() != null) ? error.errnoName()
                    : (error.getCause() != null) ? error.getCause().getClass().getSimpleName() : "none";
            Counter.builder("fuse.failures")
                .tags("phase", error.phase().name().toLowerCase(), "cause", cause)
                .description("Failed mounts and unmounts, by step and cause")
                .register(registry)
                .increment();
        }
    }

    @Override
    public void operation(FuseMount mount, String operation, long nanos, boolean failed) {
        MeterRegistry registry = this.registry;
        if (registry == null) {
            return;
        }
        Map<String, Timer[]> byOperation = this.timersByMount.get(mount);
        if (byOperation == null) {
            if (hasEnded(mount)) {
                return; // a call that finished after its mount's meters were removed
            }
            byOperation = this.timersByMount.computeIfAbsent(mount, (m) -> new ConcurrentHashMap<>());
        }
        Timer[] timers = byOperation.get(operation);
        if (timers == null) {
            timers = byOperation.computeIfAbsent(operation, (op) -> new Timer[] {
                    operationTimer(registry, mount, op, "success"), operationTimer(registry, mount, op, "error") });
            if (hasEnded(mount)) {
                // the mount ended while these were registered: its removal may have missed them
                removeMeters(mount);
                return;
            }
        }
        timers[failed ? 1 : 0].record(nanos, TimeUnit.NANOSECONDS);
    }

    private static boolean hasEnded(FuseMount mount) {
        MountState state = mount.state();
        return state == MountState.UNMOUNTED || state == MountState.FAILED;
    }

    private static Timer operationTimer(MeterRegistry registry, FuseMount mount, String operation, String result) {
        return Timer.builder("fuse.operations")
            .tags(Tags.of("mount", mount.name(), "operation", operation, "result", result))
            .description("Filesystem calls served, by mount and operation")
            .register(registry);
    }

}
