// The protocol engine's one event loop: every mount's /dev/fuse descriptor in one epoll, requests run on one pool.
package io.github.fusespringboot.mount.serve;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.github.fusespringboot.mount.natives.EventPoll;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves every protocol-engine mount of the JVM with one thread waiting in {@code epoll_wait} and
 * one {@link ServingPool} running the requests, so an idle mount holds no thread. A ready descriptor
 * is handed to a pool thread, which reads one request (non-blocking), re-arms the descriptor while the
 * mount has fewer than its cap of requests in flight (so the next request of the same mount is read
 * by another thread) and then runs the request. A callback that blocks holds its pool thread only:
 * the pool starts another thread for the next ready descriptor, up to {@link #MAX_THREADS}.
 *
 * <p>
 * Pool size: {@code fuse.protocol.pool-core-threads} (default: the number of cores, at least 2) and
 * {@code fuse.protocol.pool-max-threads} (default 256), JVM system properties read once.
 */
public final class Reactor {

    private static final Logger logger = LoggerFactory.getLogger(Reactor.class);

    /** Name of the thread that waits for ready descriptors. */
    public static final String THREAD_NAME = "fuse-reactor";

    static final int CORE_THREADS = Integer.getInteger("fuse.protocol.pool-core-threads",
            Math.max(2, java.lang.Runtime.getRuntime().availableProcessors()));

    static final int MAX_THREADS = Integer.getInteger("fuse.protocol.pool-max-threads", 256);

    private static final Object LOCK = new Object();

    private static volatile Reactor shared;

    private final EventPoll poll = new EventPoll(256);

    private final ServingPool pool = new ServingPool(CORE_THREADS, MAX_THREADS, 30, TimeUnit.SECONDS);

    private final ConcurrentHashMap<Long, Registration> registrations = new ConcurrentHashMap<>();

    private final AtomicLong tokens = new AtomicLong();

    private Reactor() {
        Thread thread = new Thread(this::loop, THREAD_NAME);
        thread.setDaemon(true);
        thread.start();
    }

    /** The JVM's reactor, started on first use. */
    public static Reactor shared() {
        Reactor reactor = shared;
        if (reactor == null) {
            synchronized (LOCK) {
                reactor = shared;
                if (reactor == null) {
                    reactor = new Reactor();
                    shared = reactor;
                }
            }
        }
        return reactor;
    }

    /**
     * Starts serving {@code session} (its descriptor made non-blocking) with at most
     * {@code maxInFlight} of its requests running at once; {@code handle} hears of every request and
     * of the end. The session must not be destroyed before {@link ServingHandle#ended} and the last
     * {@link ServingHandle#requestDone}.
     * @throws io.github.fusespringboot.mount.natives.NativeCallException when the descriptor cannot be watched
     */
    public void serve(ProtocolSession session, ServingHandle handle, int maxInFlight) {
        session.nonBlocking();
        long token = this.tokens.incrementAndGet();
        Registration registration = new Registration(this, session, handle, Math.max(1, maxInFlight), token);
        this.registrations.put(token, registration);
        try {
            registration.start();
        }
        catch (RuntimeException ex) {
            this.registrations.remove(token);
            throw ex;
        }
    }

    /** How many descriptors are watched now. */
    public int watched() {
        return this.registrations.size();
    }

    /** How many pool threads exist now (busy or idle), the reactor thread not included. */
    public int poolThreads() {
        return this.pool.threads();
    }

    EventPoll poll() {
        return this.poll;
    }

    ServingPool pool() {
        return this.pool;
    }

    void forget(long token) {
        this.registrations.remove(token);
    }

    private void loop() {
        while (true) {
            int ready = this.poll.await(-1);
            if (ready < 0) {
                logger.error("epoll_wait failed with errno {}; the protocol engine's reactor stops", -ready);
                return;
            }
            for (int i = 0; i < ready; i++) {
                Registration registration = this.registrations.get(this.poll.token(i));
                if (registration != null) {
                    try {
                        this.pool.execute(registration);
                    }
                    catch (RuntimeException | OutOfMemoryError ex) {
                        // the task stays queued for the next free pool thread; the reactor must go on
                        logger.error("Could not start another FUSE serving thread", ex);
                    }
                }
            }
        }
    }

}
