// Checks mounts without ever blocking the caller longer than the probe timeout.
package io.github.fusespringboot.mount;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.fusespringboot.mount.natives.Errno;
import io.github.fusespringboot.mount.natives.Native;

/**
 * Tells whether mounts are healthy: cheap signals first (state, still mounted with our identity,
 * serving threads alive), then a probe on a probe thread: whether another mount covers ours, then a
 * {@code statx} of the mount's root that always reaches the filesystem's getattr. No step reads the
 * host's mount table where the kernel can answer per mount (Linux 6.8+), so a check costs the same
 * on a host with thousands of mounts. A probe runs on a probe thread, never the caller's; at most one
 * is in flight per mount (a wedged mount holds one thread, not one per check); a result is reused for
 * {@code cacheFor}. So {@link #check} returns within the probe timeout plus a small constant, whatever
 * the mount does; {@link #startAll} lets many mounts be probed in parallel first.
 */
public final class MountProbe implements AutoCloseable {

    private final Duration timeout;

    private final Duration cacheFor;

    private final ConcurrentHashMap<FuseMount, Probe> probes = new ConcurrentHashMap<>();

    private final ExecutorService threads;

    public MountProbe(Duration timeout, Duration cacheFor) {
        this.timeout = timeout;
        this.cacheFor = cacheFor;
        AtomicInteger counter = new AtomicInteger();
        this.threads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                (task) -> {
                    Thread thread = new Thread(task, "fuse-probe-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /** The probe timeout. */
    public Duration timeout() {
        return this.timeout;
    }

    /** Starts probes (without waiting) for every mount that has neither a fresh result nor one in flight. */
    public void startAll(Collection<FuseMount> mounts) {
        for (FuseMount mount : mounts) {
            if (mount.state() == MountState.MOUNTED && cheapProblem(mount) == null) {
                probeFor(mount);
            }
        }
        this.probes.keySet().removeIf((mount) -> mount.state() == MountState.UNMOUNTED);
    }

    /** The mount's health, within the probe timeout plus a small constant. */
    public MountHealth check(FuseMount mount) {
        Integer waiting = waiting(mount);
        String problem = cheapProblem(mount);
        if (problem != null) {
            this.probes.remove(mount);
            return MountHealth.down(problem, mount.state(), null, waiting);
        }
        Probe probe = probeFor(mount);
        long ageNanos = System.nanoTime() - probe.started;
        long remaining = this.timeout.toNanos() - ageNanos;
        Result result;
        try {
            result = probe.result.get(Math.max(remaining, 0), TimeUnit.NANOSECONDS);
        }
        catch (TimeoutException ex) {
            long stuckMillis = (System.nanoTime() - probe.started) / 1_000_000;
            return MountHealth.down("the filesystem has not answered a getattr of its root for " + stuckMillis
                    + " ms (probe timeout " + this.timeout.toMillis() + " ms): it is unresponsive", mount.state(), null,
                    waiting);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return MountHealth.down("interrupted while probing", mount.state(), null, waiting);
        }
        catch (ExecutionException ex) {
            return MountHealth.down("probe failed: " + ex.getCause(), mount.state(), null, waiting);
        }
        if (result.problem != null) {
            return MountHealth.down(result.problem, mount.state(), result.latency, waiting);
        }
        if (result.errno != 0) {
            return MountHealth.down("statx of the mount's root failed: " + Errno.describe(result.errno),
                    mount.state(), result.latency, waiting);
        }
        return MountHealth.up(mount.state(), result.latency, waiting);
    }

    private static Integer waiting(FuseMount mount) {
        OptionalInt waiting = FuseConnections.waiting(mount.connectionId());
        return waiting.isPresent() ? waiting.getAsInt() : null;
    }

    /**
     * State, mount table, serving threads: what can be known without touching the mount, in constant
     * time (statmount by the mount's id where the kernel has it, see {@link MountLookup}).
     */
    static String cheapProblem(FuseMount mount) {
        MountState state = mount.state();
        if (state != MountState.MOUNTED) {
            return "the mount is " + state + mount.failure().map((f) -> ": " + f.getMessage()).orElse("");
        }
        String notMounted = MountLookup.notMounted(mount.identity(), mount.mountPoint(), mount.source());
        if (notMounted != null) {
            return notMounted;
        }
        if (!mount.isServing()) {
            return "no thread serves the mount any more (the session ended)";
        }
        return null;
    }

    private Probe probeFor(FuseMount mount) {
        return this.probes.compute(mount, (key, existing) -> {
            if (existing != null && (!existing.result.isDone()
                    || System.nanoTime() - existing.started < this.cacheFor.toNanos())) {
                return existing; // in flight, or fresh enough
            }
            Probe probe = new Probe(System.nanoTime());
            this.threads.execute(() -> {
                if (MountLookup.coveredByAnother(key.identity(), key.mountPoint())) {
                    // a getattr by path would reach that mount, not ours
                    probe.result.complete(new Result(0, Duration.ofNanos(System.nanoTime() - probe.started),
                            "another mount sits on top of it at " + key.mountPoint()
                                    + ": clients see that one, not this filesystem"));
                    return;
                }
                int errno = Native.statxForceSync(key.mountPoint().toString());
                probe.result.complete(new Result(errno, Duration.ofNanos(System.nanoTime() - probe.started), null));
            });
            return probe;
        });
    }

    /** Forgets a mount's probe state (after it was unmounted). */
    public void forget(FuseMount mount) {
        this.probes.remove(mount);
    }

    Map<FuseMount, Probe> probes() {
        return this.probes;
    }

    /** Lets idle probe threads end; a probe stuck on a wedged mount ends when that mount is aborted. */
    @Override
    public void close() {
        this.threads.shutdown();
        this.probes.clear();
    }

    record Result(int errno, Duration latency, String problem) {
    }

    static final class Probe {

        final long started;

        final CompletableFuture<Result> result = new CompletableFuture<>();

        Probe(long started) {
            this.started = started;
        }

    }

}
