// The engine's entry point: mounts and unmounts filesystems, alone or many at once, and knows them by name.
package io.github.fusespringboot.mount;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.fusespringboot.mount.natives.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mounts jnr-fuse filesystems with {@code mount(2)} on a {@code /dev/fuse} descriptor of its own
 * (by default no {@code fusermount}, no child process, no shutdown hook) and unmounts them within
 * bounded time. A mount whose spec asks for {@link MountStrategy#FUSERMOUNT} (a normal user) goes
 * through the set-uid {@code fusermount3} helper instead, started with descriptors 0-3 only.
 * Thread-safe: mounts and unmounts may run concurrently from any threads. {@link #close()} unmounts
 * whatever is still mounted.
 *
 * <p>
 * Filesystem instances can be reused: mount one again after unmounting it, or on several directories
 * at once if it is safe for concurrent use. Constructing a jnr-fuse {@code AbstractFuseFS} is costly
 * (about 4 ms and 2-3 classes that are never unloaded), so reuse instances for runtime mounts.
 */
public final class MountManager implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(MountManager.class);

    private final ConcurrentHashMap<String, FuseMount> byName = new ConcurrentHashMap<>();

    private final ConcurrentHashMap<Path, FuseMount> byPath = new ConcurrentHashMap<>();

    /** The {@link #byPath} key each mount holds (see {@link #directoryKey(Path)}). */
    private final ConcurrentHashMap<FuseMount, Path> pathKeys = new ConcurrentHashMap<>();

    private final List<MountListener> listeners = new CopyOnWriteArrayList<>();

    private final LoopThreads loopThreads = new LoopThreads(Duration.ofSeconds(30));

    private final ExecutorService tasks;

    private volatile boolean operationTiming;

    private volatile boolean closed;

    public MountManager() {
        AtomicInteger counter = new AtomicInteger();
        this.tasks = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS, new SynchronousQueue<>(),
                (task) -> {
                    Thread thread = new Thread(task, "fuse-mounter-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /** Whether this machine can mount: Linux, libc bound, {@code /dev/fuse} present. */
    public static boolean isAvailable() {
        return unavailabilityCause() == null;
    }

    /** Why {@link #isAvailable()} is false, or {@code null}. */
    public static String unavailabilityCause() {
        if (!Native.isAvailable()) {
            return String.valueOf(Native.unavailabilityCause());
        }
        if (!Files.exists(Path.of(FuseMount.DEVICE))) {
            return FuseMount.DEVICE + " does not exist (load the fuse module, or pass the device to the container)";
        }
        return null;
    }

    /**
     * Mounts a filesystem and returns once it answers (the kernel's INIT was answered), within the
     * spec's mount timeout.
     * @throws FuseMountException naming the mount, the step and the cause; nothing is left behind
     */
    public FuseMount mount(MountSpec spec) {
        FuseMount mount = new FuseMount(spec, this);
        if (this.closed) {
            throw new FuseMountException(spec.name(), spec.mountPoint(), MountPhase.VALIDATE, 0,
                    "the mount manager is closed", null, null);
        }
        Path key = directoryKey(spec.mountPoint());
        if (this.byName.putIfAbsent(spec.name(), mount) != null) {
            throw new FuseMountException(spec.name(), spec.mountPoint(), MountPhase.VALIDATE, 0,
                    "a mount with this name exists already", "Give each mount its own name", null);
        }
        FuseMount other = this.byPath.putIfAbsent(key, mount);
        if (other != null) {
            this.byName.remove(spec.name(), mount);
            throw new FuseMountException(spec.name(), spec.mountPoint(), MountPhase.VALIDATE, 0,
                    "mount '" + other.name() + "' uses this directory already", "Give each mount its own directory",
                    null);
        }
        this.pathKeys.put(mount, key);
        long started = System.nanoTime();
        try {
            mount.mount(key);
        }
        catch (FuseMountException ex) {
            forget(mount);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            for (MountListener listener : this.listeners) {
                notify(() -> listener.mountFailed(spec, ex, took));
            }
            throw ex;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        for (MountListener listener : this.listeners) {
            notify(() -> listener.mounted(mount, took));
        }
        return mount;
    }

    /**
     * Mounts several filesystems concurrently, at most {@code concurrency} at a time, and reports
     * each outcome (in the order given). Does not throw for a failed mount.
     */
    public List<MountResult> mountAll(Collection<MountSpec> specs, int concurrency) {
        List<MountSpec> list = List.copyOf(specs);
        return runAll(list, concurrency, (spec) -> {
            try {
                return new MountResult(spec, mount(spec), null);
            }
            catch (FuseMountException ex) {
                return new MountResult(spec, null, ex);
            }
        });
    }

    /**
     * Unmounts several mounts concurrently, at most {@code concurrency} at a time, each within its
     * unmount timeout. Returns the failures.
     */
    public List<FuseMountException> unmountAll(Collection<FuseMount> mounts, int concurrency) {
        List<FuseMount> list = List.copyOf(mounts);
        List<FuseMountException> results = runAll(list, concurrency, (mount) -> {
            try {
                mount.unmount();
                return null;
            }
            catch (FuseMountException ex) {
                return ex;
            }
        });
        List<FuseMountException> failures = new ArrayList<>();
        for (FuseMountException result : results) {
            if (result != null) {
                failures.add(result);
            }
        }
        return failures;
    }

    private <T, R> List<R> runAll(List<T> items, int concurrency, java.util.function.Function<T, R> action) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, not " + concurrency);
        }
        List<R> results = new ArrayList<>(items.size());
        if (items.size() <= 1 || concurrency == 1) {
            for (T item : items) {
                results.add(action.apply(item));
            }
            return results;
        }
        java.util.concurrent.Semaphore permits = new java.util.concurrent.Semaphore(concurrency);
        List<Future<R>> futures = new ArrayList<>(items.size());
        for (T item : items) {
            permits.acquireUninterruptibly();
            futures.add(this.tasks.submit(() -> {
                try {
                    return action.apply(item);
                }
                finally {
                    permits.release();
                }
            }));
        }
        for (Future<R> future : futures) {
            results.add(join(future));
        }
        return results;
    }

    private static <R> R join(Future<R> future) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    // every action is bounded by its own mount or unmount timeout
                    return future.get();
                }
                catch (InterruptedException ex) {
                    interrupted = true;
                }
                catch (java.util.concurrent.ExecutionException ex) {
                    Throwable cause = ex.getCause();
                    if (cause instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    throw new IllegalStateException(cause);
                }
            }
        }
        finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Unmounts the mount of that name, if there is one. Returns whether there was. */
    public boolean unmount(String name) {
        FuseMount mount = this.byName.get(name);
        if (mount == null) {
            return false;
        }
        mount.unmount();
        return true;
    }

    /** The mount of that name, while it is mounting, mounted or unmounting. */
    public Optional<FuseMount> find(String name) {
        return Optional.ofNullable(this.byName.get(name));
    }

    /** Every mount that is mounting, mounted or unmounting. */
    public List<FuseMount> mounts() {
        return List.copyOf(this.byName.values());
    }

    /** Adds a listener for mounts and unmounts. */
    public void addListener(MountListener listener) {
        this.listeners.add(listener);
    }

    public void removeListener(MountListener listener) {
        this.listeners.remove(listener);
    }

    /**
     * Whether every filesystem operation is reported to the listeners' {@code operation} method
     * (costs two clock reads per operation; off by default).
     */
    public void setOperationTiming(boolean enabled) {
        this.operationTiming = enabled;
    }

    MountListener operationListener() {
        if (!this.operationTiming || this.listeners.isEmpty()) {
            return null;
        }
        return this.operationFanOut;
    }

    private final MountListener operationFanOut = new MountListener() {
        @Override
        public void operation(FuseMount mount, String operation, long nanos, boolean failed) {
            for (MountListener listener : MountManager.this.listeners) {
                listener.operation(mount, operation, nanos, failed);
            }
        }
    };

    LoopThreads loopThreads() {
        return this.loopThreads;
    }

    void unmounted(FuseMount mount, Duration took) {
        forget(mount);
        for (MountListener listener : this.listeners) {
            notify(() -> listener.unmounted(mount, took));
        }
    }

    void unmountFailed(FuseMount mount, FuseMountException error, Duration took) {
        forget(mount);
        logger.error(error.getMessage());
        for (MountListener listener : this.listeners) {
            notify(() -> listener.unmountFailed(mount, error, took));
        }
    }

    private void forget(FuseMount mount) {
        this.byName.remove(mount.name(), mount);
        Path key = this.pathKeys.remove(mount);
        if (key != null) {
            this.byPath.remove(key, mount);
        }
    }

    /**
     * The directory a mount point names, with symbolic links resolved as far as the path exists, so
     * that two spellings of one directory (a path and a link to it) are one key. The mount itself
     * happens on the resolved path, and its mount-table check runs long before mount(2): keyed by
     * the spelling, two concurrent mounts of one directory both passed and the kernel stacked them
     * (then each unmount removed whichever was on top, the other mount's as often as not).
     */
    static Path directoryKey(Path mountPoint) {
        Path path = mountPoint.normalize();
        if (!path.isAbsolute()) {
            return path; // refused when validated
        }
        for (Path existing = path; existing != null; existing = existing.getParent()) {
            try {
                return existing.toRealPath().resolve(existing.relativize(path));
            }
            catch (IOException ex) {
                // does not exist (yet): resolve what does
            }
        }
        return path;
    }

    private static void notify(Runnable call) {
        try {
            call.run();
        }
        catch (RuntimeException ex) {
            logger.warn("A mount listener failed", ex);
        }
    }

    /**
     * Unmounts everything still mounted (concurrently, each within its unmount timeout) and lets the
     * engine's idle threads end. Idempotent.
     */
    @Override
    public void close() {
        this.closed = true;
        List<FuseMount> remaining = mounts();
        if (!remaining.isEmpty()) {
            unmountAll(remaining, Math.max(1, remaining.size()));
        }
        this.loopThreads.shutdown();
        this.tasks.shutdown();
    }

    /** The outcome of one mount of {@link #mountAll}: a mount or an error. */
    public record MountResult(MountSpec spec, FuseMount mount, FuseMountException error) {

        public boolean succeeded() {
            return this.mount != null;
        }

    }

}
