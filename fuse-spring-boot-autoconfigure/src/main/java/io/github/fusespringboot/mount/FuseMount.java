// One managed mount: the handle users hold, its state, and the order of mounting and unmounting.
package io.github.fusespringboot.mount;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.fusespringboot.mount.serve.ServingSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.serce.jnrfuse.FuseFS;

/**
 * A filesystem mounted by the engine: its name, directory, state and filesystem. Closing it unmounts
 * it, within the unmount timeout whatever the filesystem does. Obtained from
 * {@link MountManager#mount(MountSpec)}.
 */
public final class FuseMount implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(FuseMount.class);

    /** Every mount's source in the mount table starts with this, followed by the mount's name. */
    public static final String SOURCE_PREFIX = "fuse-spring-boot:";

    /** The filesystem type every mount of ours has in the mount table. */
    public static final String TYPE = "fuse.fuse-spring-boot";

    /**
     * Every thread serving a mount is named this prefix and the mount's name ({@code fuse:<name>}, and
     * {@code fuse:<name>#K} for further threads of one mount); pooled threads are renamed when idle.
     * Leak checks look for it.
     */
    public static final String SERVING_THREAD_PREFIX = LoopThreads.SERVING_PREFIX;

    static final String DEVICE = io.github.fusespringboot.mount.natives.FuseDevice.PATH;

    /** The subtype of every mount ({@code fuse.<subtype>} is {@link #TYPE}). */
    static final String SUBTYPE = TYPE.substring("fuse.".length());

    /** The least time one run of the fusermount helper is given, even when the unmount timeout is spent. */
    static final Duration HELPER_MINIMUM = Duration.ofMillis(500);

    /** After an abort, how long the serving threads get to notice before they are given up on. */
    static final Duration ABORT_GRACE = Duration.ofSeconds(2);

    /**
     * Whether protocol sessions are served by the engine-wide reactor (the default) rather than by
     * threads of their own ({@code -Dfuse.protocol.serving=threads}, kept for comparison).
     */
    static final boolean REACTOR = !"threads".equals(System.getProperty("fuse.protocol.serving"));

    private final MountSpec spec;

    private final MountManager manager;

    private final CallbackErrorLog errors;

    /** Where the mount goes: the validated directory, what the engine created for it, its failures' wording. */
    private final MountPoint point;

    /** The kernel mount: direct or through the helper, its identity, one unmount step, the connection abort. */
    private final KernelMount kernel;

    /** The session and whoever serves it. */
    private final MountServing serving;

    /** The unmount escalation. */
    private final Unmounter unmounter;

    private volatile MountState state = MountState.MOUNTING;

    private volatile Throwable failure;

    private volatile Instant since = Instant.now();

    private final CompletableFuture<Void> mountDone = new CompletableFuture<>();

    private volatile CompletableFuture<Void> unmountDone = new CompletableFuture<>();

    private final AtomicBoolean unmountStarted = new AtomicBoolean();

    FuseMount(MountSpec spec, MountManager manager) {
        this.spec = spec;
        this.manager = manager;
        this.errors = new CallbackErrorLog(spec.name());
        this.point = new MountPoint(spec);
        MountCallbacks callbacks = new MountCallbacks(this, spec.filesystem(), manager::operationListener,
                this.errors);
        this.serving = new MountServing(spec, this.point, callbacks, manager.loopThreads(), this::undo);
        this.kernel = new KernelMount(spec, this.point, this.serving);
        this.unmounter = new Unmounter(spec, this.point, this.kernel, this.serving);
    }

    /** The mount's name, unique within its manager. */
    public String name() {
        return this.spec.name();
    }

    /** The directory the filesystem is mounted on (symbolic links resolved once validated). */
    public Path mountPoint() {
        return this.point.target();
    }

    /** The filesystem being served. */
    public FuseFS filesystem() {
        return this.spec.filesystem();
    }

    /** The specification this mount was made from. */
    public MountSpec spec() {
        return this.spec;
    }

    /** The current state. */
    public MountState state() {
        return this.state;
    }

    /** Why the mount failed, when its state is FAILED. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(this.failure);
    }

    /** When the mount entered its current state. */
    public Instant since() {
        return this.since;
    }

    /** The kernel's FUSE connection id (fusectl), or -1 before the mount exists. */
    public int connectionId() {
        return this.kernel.connectionId();
    }

    /** Who the kernel mount is; {@link MountLookup.Identity#UNKNOWN} before it exists. */
    MountLookup.Identity identity() {
        return this.kernel.identity();
    }

    /**
     * What the session agreed with the kernel in FUSE_INIT (protocol version, max_write, max_readahead,
     * max_pages, time_gran, the flags enabled), or empty before INIT was answered.
     */
    public Optional<NegotiatedProtocol> negotiated() {
        return this.serving.negotiated();
    }

    /** Whether any thread is still serving this mount's requests. */
    public boolean isServing() {
        return this.serving.isServing();
    }

    /**
     * How many threads serve this mount now: on the engine's shared reactor, how many of its requests
     * are running (with {@code -Dfuse.protocol.serving=threads}, its own serving threads).
     */
    public int servingThreads() {
        return this.serving.servingThreads();
    }

    /** How many filesystem callbacks have thrown so far. */
    public long callbackErrors() {
        return this.errors.total();
    }

    /** The identity this mount has in the mount table. */
    public String source() {
        return SOURCE_PREFIX + this.spec.name();
    }

    private void state(MountState newState) {
        this.state = newState;
        this.since = Instant.now();
    }

    // ------------------------------------------------------------------ mounting

    /** {@code resolved}: the mount point as the manager resolved it (see {@link MountPoint#prepare}), or null. */
    void mount(Path resolved) {
        long started = System.nanoTime();
        try {
            MountOptions options = this.point.parseOptions();
            this.point.prepare(options, resolved);
            this.kernel.mount(options, started);
            // now, not on first need: once somebody detaches the mount (umount -l) it leaves the mount
            // table, and the id is what still lets the escalation abort it
            this.kernel.identify();
            this.serving.startServing();
            awaitInit(started);
            state(MountState.MOUNTED);
            if (logger.isDebugEnabled()) {
                logger.debug("Mounted '{}' on {} in {} us", name(), mountPoint(), (System.nanoTime() - started) / 1000);
            }
        }
        catch (FuseMountException ex) {
            this.failure = ex;
            state(MountState.FAILED);
            throw ex;
        }
        catch (RuntimeException | Error ex) {
            if (this.kernel.isMounted()) {
                this.unmounter.abandonAfterMount();
            }
            else {
                undo();
            }
            FuseMountException failure = fail(MountPhase.MOUNT, 0, "unexpected error: " + ex, null, ex);
            this.failure = failure;
            state(MountState.FAILED);
            throw failure;
        }
        finally {
            this.mountDone.complete(null);
        }
    }

    /**
     * What to do when a direct mount lacks privilege. Both refusals (EACCES opening /dev/fuse, which is
     * what a normal user usually meets first, and EPERM from mount(2)) say the same.
     */
    public static final String PRIVILEGE_ADVICE = "Direct mount (mount strategy 'direct', the default) needs root or "
            + "CAP_SYS_ADMIN. As a normal user, mount through the set-uid fusermount3 helper instead: set "
            + "fuse.mount-strategy=fusermount (or fuse.mount-strategy=direct-then-fusermount to try direct first; "
            + "for one mount fuse.mounts.<name>.mount-strategy; without Spring "
            + "MountSpec.builder(...).mountStrategy(MountStrategy.FUSERMOUNT)). In a container: --device /dev/fuse "
            + "--cap-add SYS_ADMIN. Or run in a user namespace of your own (rootless Podman, unshare -Urm), where the "
            + "default direct mount works without root on the host as long as /dev/fuse is readable and writable by "
            + "the user. The engine never falls back to fusermount on its own";

    /** The session serving this mount, or null before it exists (for tests of the engines). */
    ServingSession session() {
        return this.serving.session();
    }

    private void awaitInit(long startedNanos) {
        long remaining = this.spec.mountTimeout().toNanos() - (System.nanoTime() - startedNanos);
        try {
            this.serving.ready().get(Math.max(remaining, 0), TimeUnit.NANOSECONDS);
        }
        catch (TimeoutException ex) {
            this.unmounter.abandonAfterMount();
            throw fail(MountPhase.INIT, 0, "the filesystem did not answer the kernel's INIT within "
                    + this.spec.mountTimeout(), "Check the filesystem's init(); raise the mount timeout if it is slow",
                    null);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            this.unmounter.abandonAfterMount();
            throw fail(MountPhase.INIT, 0, "interrupted while waiting for INIT", null, ex);
        }
        catch (ExecutionException ex) {
            this.unmounter.abandonAfterMount();
            Throwable cause = ex.getCause();
            int errno = (cause instanceof MountServing.LoopEndedException ended) ? ended.errno : 0;
            throw fail(MountPhase.INIT, errno, cause.getMessage(), null, cause);
        }
    }

    /** Removes what mounting created before mount(2): the directories the engine made. */
    private void undo() {
        this.point.undo(this.kernel.isMounted());
    }

    private FuseMountException fail(MountPhase phase, int errno, String problem, String action, Throwable cause) {
        return this.point.fail(phase, errno, problem, action, cause);
    }

    // ------------------------------------------------------------------ unmounting

    /** Unmounts within the mount's unmount timeout. Idempotent; safe from any thread. */
    public void unmount() {
        unmount(this.spec.unmountTimeout());
    }

    /**
     * Unmounts: {@code umount2}, retried while busy for half the timeout, then a lazy detach, then,
     * if the serving threads have not ended when the timeout is spent, an abort of the connection
     * (each rung as {@link MountSpec#unmountEscalation()} allows). Returns within the timeout plus
     * {@link #ABORT_GRACE}. A call while another unmount runs waits for it; a call after the mount
     * ended (or failed) returns at once.
     * @throws FuseMountException when this call's unmount failed: the serving threads did not end even
     * after the abort (state FAILED), or the mount was busy with lazy detach off (still MOUNTED)
     */
    public void unmount(Duration timeout) {
        awaitQuietly(this.mountDone, this.spec.mountTimeout().plus(timeout));
        if (this.state != MountState.MOUNTED) {
            if (this.unmountStarted.get()) {
                awaitQuietly(this.unmountDone, timeout.plus(ABORT_GRACE));
            }
            return;
        }
        if (!this.unmountStarted.compareAndSet(false, true)) {
            awaitQuietly(this.unmountDone, timeout.plus(ABORT_GRACE));
            return;
        }
        long started = System.nanoTime();
        state(MountState.UNMOUNTING);
        FuseMountException error;
        try {
            error = this.unmounter.escalate(timeout, started);
        }
        catch (Unmounter.StillMountedException ex) {
            // nothing was changed: the mount stays mounted and serving; unmount may be tried again
            CompletableFuture<Void> waiting = this.unmountDone;
            this.unmountDone = new CompletableFuture<>();
            state(MountState.MOUNTED);
            this.unmountStarted.set(false);
            waiting.complete(null);
            throw ex.error;
        }
        catch (RuntimeException | Error ex) {
            error = fail(MountPhase.UNMOUNT, 0, "unexpected error: " + ex, null, ex);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        if (error == null) {
            state(MountState.UNMOUNTED);
            this.manager.unmounted(this, took);
            this.unmountDone.complete(null);
            return;
        }
        this.failure = error;
        state(MountState.FAILED);
        this.manager.unmountFailed(this, error, took);
        this.unmountDone.complete(null);
        throw error;
    }

    private static void awaitQuietly(CompletableFuture<Void> future, Duration timeout) {
        try {
            future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        catch (ExecutionException | TimeoutException ex) {
            // the caller looks at the state
        }
    }

    /** Same as {@link #unmount()}. */
    @Override
    public void close() {
        unmount();
    }

    @Override
    public String toString() {
        return "FuseMount[" + name() + " on " + mountPoint() + ", " + this.state + "]";
    }

}
