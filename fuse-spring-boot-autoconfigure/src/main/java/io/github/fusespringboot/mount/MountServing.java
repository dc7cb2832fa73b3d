// Serving one mount: its session, the serving threads or the reactor registration, and how serving ends.
package io.github.fusespringboot.mount;

import static io.github.fusespringboot.mount.FuseMount.DEVICE;
import static io.github.fusespringboot.mount.FuseMount.REACTOR;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.fusespringboot.mount.natives.Errno;
import io.github.fusespringboot.mount.protocol.InitNegotiation;
import io.github.fusespringboot.mount.serve.ProtocolSession;
import io.github.fusespringboot.mount.serve.Reactor;
import io.github.fusespringboot.mount.serve.ServingHandle;
import io.github.fusespringboot.mount.serve.ServingSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving side of one mount: builds its protocol session, serves it on the engine-wide reactor
 * (or, with {@code -Dfuse.protocol.serving=threads}, on the mount's own threads), counts who serves,
 * and frees the session once nobody does.
 */
final class MountServing implements KernelMount.Sessions {

    private static final Logger logger = LoggerFactory.getLogger(FuseMount.class);

    private final MountSpec spec;

    private final MountPoint point;

    private final MountCallbacks callbacks;

    private final LoopThreads loopThreads;

    /** What is left to remove once an abandoned session is freed (the directories the engine made). */
    private final Runnable undo;

    private volatile ServingSession session;

    private final AtomicInteger workers = new AtomicInteger();

    private final AtomicInteger idleWorkers = new AtomicInteger();

    private final AtomicInteger threadNumbers = new AtomicInteger();

    private final CompletableFuture<Void> ready = new CompletableFuture<>();

    private final CompletableFuture<Void> loopEnded = new CompletableFuture<>();

    private volatile int loopErrno;

    /** Whether the session is registered with the protocol engine's reactor (and counted in workers). */
    private volatile boolean onReactor;

    /** How the reactor tells this mount about its requests, once served there. */
    private volatile ReactorHandle reactorHandle;

    /**
     * Set when mounting or unmounting gave up waiting for a serving thread stuck in a callback and
     * left the session allocated: the last serving thread to end frees it then (otherwise its
     * /dev/fuse descriptor and session would leak for the life of the JVM).
     */
    private volatile boolean freeWhenServingEnds;

    MountServing(MountSpec spec, MountPoint point, MountCallbacks callbacks, LoopThreads loopThreads, Runnable undo) {
        this.spec = spec;
        this.point = point;
        this.callbacks = callbacks;
        this.loopThreads = loopThreads;
        this.undo = undo;
    }

    private String name() {
        return this.spec.name();
    }

    /** The session serving this mount, or null before it exists. */
    ServingSession session() {
        return this.session;
    }

    /** Completes when the kernel's INIT was answered, exceptionally when serving ended before. */
    CompletableFuture<Void> ready() {
        return this.ready;
    }

    /** What the session agreed with the kernel in FUSE_INIT, or empty before INIT was answered. */
    Optional<NegotiatedProtocol> negotiated() {
        if (this.session instanceof ProtocolSession protocol) {
            InitNegotiation.Outcome outcome = protocol.negotiated();
            return (outcome != null) ? Optional.of(NegotiatedProtocol.of(outcome)) : Optional.empty();
        }
        return Optional.empty();
    }

    /** Whether any thread is still serving this mount's requests. */
    boolean isServing() {
        return this.workers.get() > 0;
    }

    /**
     * How many threads serve this mount now: its own serving threads, or, on the protocol engine's
     * shared reactor, how many of its requests are running.
     */
    int servingThreads() {
        int workers = this.workers.get();
        return this.onReactor ? Math.max(0, workers - 1) : workers;
    }

    @Override
    public void open(int fd, MountOptions options) {
        this.session = createSession(fd, options);
    }

    @Override
    public void discard() {
        this.session.destroy();
        this.session = null;
    }

    @Override
    public int fd() {
        ServingSession session = this.session;
        return (session != null) ? session.fd() : -1;
    }

    private FuseMountException fail(MountPhase phase, int errno, String problem, String action, Throwable cause) {
        return this.point.fail(phase, errno, problem, action, cause);
    }

    /** Builds the session on {@code fd} (which it owns from then on, failed or not). */
    private ServingSession createSession(int fd, MountOptions options) {
        try {
            return ProtocolSession.create(fd, options.libraryOptions(), this.spec.filesystem(), this.callbacks);
        }
        catch (RuntimeException ex) {
            throw fail(MountPhase.SESSION, 0, "the protocol engine could not start: " + ex, null, ex);
        }
    }

    /**
     * Serves the session on the engine-wide reactor (no thread of its own; the registration counts as
     * one worker, each request in flight as another), or on the mount's own threads with
     * {@code -Dfuse.protocol.serving=threads}.
     */
    void startServing() {
        if (REACTOR && this.session instanceof ProtocolSession protocol) {
            this.workers.incrementAndGet();
            this.onReactor = true;
            this.reactorHandle = new ReactorHandle();
            try {
                Reactor.shared().serve(protocol, this.reactorHandle,
                        this.spec.multithreaded() ? this.spec.maxThreads() : 1);
            }
            catch (RuntimeException ex) {
                this.onReactor = false;
                workerEnded();
                throw ex;
            }
            return;
        }
        startWorker();
    }

    private void startWorker() {
        this.workers.incrementAndGet();
        int number = this.threadNumbers.incrementAndGet();
        String threadName = LoopThreads.SERVING_PREFIX + name() + ((number > 1) ? "#" + number : "");
        try {
            this.loopThreads.start(threadName, this::serve);
        }
        catch (RuntimeException ex) {
            workerEnded();
            throw ex;
        }
    }

    private void serve() {
        ServingSession session = this.session;
        ServingSession.Buffer buffer = session.buffer();
        try {
            while (true) {
                this.idleWorkers.incrementAndGet();
                int length = session.receive(buffer);
                int stillIdle = this.idleWorkers.decrementAndGet();
                if (length < 0) {
                    int errno = -length;
                    if (errno == Errno.EINTR || errno == Errno.EAGAIN || errno == Errno.ENOENT) {
                        continue;
                    }
                    if (errno != Errno.ENODEV && errno != Errno.ECONNABORTED) {
                        this.loopErrno = errno;
                        logger.warn("FUSE mount '{}': reading {} failed with {}; the mount stops serving", name(),
                                DEVICE, Errno.describe(errno));
                    }
                    return;
                }
                boolean init = !this.ready.isDone() && session.isInit(buffer);
                // like fuse_loop_mt: when nobody is left waiting for the next request, add a thread
                // (not for INIT: the kernel sends nothing else before INIT is answered)
                if (!init && stillIdle == 0 && this.spec.multithreaded()
                        && this.workers.get() < this.spec.maxThreads()) {
                    startWorker();
                }
                session.process(buffer, length);
                if (init) {
                    initProcessed(session);
                }
            }
        }
        catch (Throwable ex) {
            this.loopErrno = Errno.EIO;
            logger.error("FUSE mount '{}': serving thread failed", name(), ex);
        }
        finally {
            workerEnded();
        }
    }

    private void initProcessed(ServingSession session) {
        Throwable initError = this.callbacks.initError();
        if (initError != null) {
            this.ready.completeExceptionally(initError);
        }
        else if (session.initialized()) {
            this.ready.complete(null);
        }
    }

    /** How the reactor tells this mount about its requests; counted like serving threads. */
    private final class ReactorHandle implements ServingHandle {

        private final String threadName = LoopThreads.SERVING_PREFIX + name();

        @Override
        public String threadName() {
            return this.threadName;
        }

        @Override
        public void requestStarted() {
            MountServing.this.workers.incrementAndGet();
        }

        @Override
        public void initProcessed() {
            MountServing.this.initProcessed(MountServing.this.session);
        }

        @Override
        public void requestDone() {
            workerEnded();
        }

        @Override
        public void ended(int errno) {
            MountServing.this.onReactor = false;
            if (errno != 0) {
                MountServing.this.loopErrno = errno;
                logger.warn("FUSE mount '{}': reading {} failed with {}; the mount stops serving", name(), DEVICE,
                        Errno.describe(errno));
            }
            workerEnded();
        }

    }

    private void workerEnded() {
        if (this.workers.decrementAndGet() == 0) {
            if (!this.ready.isDone()) {
                // only then: every normal unmount ends here too, and an exception is costly to make
                this.ready.completeExceptionally(new LoopEndedException(this.loopErrno));
            }
            this.loopEnded.complete(null);
            if (this.freeWhenServingEnds) {
                logger.info("FUSE mount '{}': the stuck callback returned; freeing the session left behind", name());
                freeAbandonedSession();
            }
        }
    }

    /**
     * Frees what a mount or unmount that gave up on a stuck serving thread left allocated, once no
     * thread serves any more. Called by both sides of that race (the giving-up side after setting
     * {@link #freeWhenServingEnds}, the last serving thread after ending); destroy is idempotent.
     */
    private void freeAbandonedSession() {
        if (this.workers.get() == 0) {
            // the directories first: once the descriptor is closed, nothing of the mount is left
            this.undo.run();
            finishSession();
        }
    }

    /** Waits until no thread serves any more; whether that happened within the timeout. */
    boolean awaitLoopEnd(Duration timeout) {
        if (this.workers.get() == 0) {
            return true;
        }
        try {
            this.loopEnded.get(Math.max(timeout.toNanos(), 0), TimeUnit.NANOSECONDS);
            return true;
        }
        catch (TimeoutException ex) {
            return false;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
        catch (ExecutionException ex) {
            return true;
        }
    }

    /** Destroys the session once nobody serves it any more. */
    void finishSession() {
        ServingSession session = this.session;
        if (session != null && this.workers.get() == 0) {
            session.destroy();
        }
    }

    /**
     * Gives up waiting for a serving thread stuck in a callback: the last serving thread to end frees
     * the session then.
     */
    void freeWhenServingEnds() {
        ReactorHandle handle = this.reactorHandle;
        if (handle != null) {
            Reactor.shared().nameRequestThreads(handle); // so the stuck callbacks' threads show the mount
        }
        this.freeWhenServingEnds = true;
        freeAbandonedSession(); // in case the last thread ended just now
    }

    /** The serving threads ended before INIT was answered. */
    static final class LoopEndedException extends RuntimeException {

        final int errno;

        LoopEndedException(int errno) {
            super((errno != 0) ? "the session ended before INIT: reading " + DEVICE + " failed with "
                    + Errno.describe(errno) : "the session ended before the kernel's INIT was answered");
            this.errno = errno;
        }

    }

}
