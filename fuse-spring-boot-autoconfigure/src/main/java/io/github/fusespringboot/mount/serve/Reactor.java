// The protocol engine's serving: every mount's /dev/fuse descriptor in one epoll that one pool of threads waits on.
package io.github.fusespringboot.mount.serve;

import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.fusespringboot.mount.natives.EventPoll;

/**
 * Serves every protocol-engine mount of the JVM from one epoll instance and one {@link ServingPool}
 * of leader/follower threads, so an idle mount holds no thread. Each idle pool thread waits in
 * {@code epoll_wait} for one event; the thread that wakes reads one request of that descriptor
 * (non-blocking), re-arms it while the mount has fewer than its cap of requests in flight (so the
 * mount's next request wakes another thread) and runs the request itself: one wake-up per request.
 * A callback that blocks holds its thread only: when a thread takes an event while no other is left
 * waiting, the pool starts another, up to {@link #MAX_THREADS}.
 *
 * <p>
 * Pool size: {@code fuse.protocol.pool-core-threads} (default: the number of cores, at least 2) and
 * {@code fuse.protocol.pool-max-threads} (default 256), JVM system properties read once.
 */
public final class Reactor {

    static final int CORE_THREADS = Integer.getInteger("fuse.protocol.pool-core-threads",
            Math.max(2, java.lang.Runtime.getRuntime().availableProcessors()));

    static final int MAX_THREADS = Integer.getInteger("fuse.protocol.pool-max-threads", 256);

    private static final Object LOCK = new Object();

    private static volatile Reactor shared;

    private final EventPoll poll = new EventPoll();

    private final ServingPool pool = new ServingPool(this.poll, this::dispatch, CORE_THREADS, MAX_THREADS, 30,
            TimeUnit.SECONDS);

    /**
     * Registrations by slot, the low 32 bits of their token (the high bits tell a slot's users apart);
     * replaced, never changed in place, when it grows; read without a lock.
     */
    private volatile Registration[] slots = new Registration[64];

    private final SoloWatch soloWatch = new SoloWatch(() -> this.slots);

    /** Threads for {@link DedicatedReaders}, made on demand and kept a while once released. */
    private final ThreadPoolExecutor readerThreads = new ThreadPoolExecutor(0, MAX_THREADS, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), new ReaderThreadFactory());

    private int nextSlot;

    private int watched;

    private long serial;

    private Reactor() {
    }

    /** The JVM's reactor, made on first use. */
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
        answerInit(session, handle);
        Registration registration = register(session, handle, Math.max(1, maxInFlight));
        try {
            this.pool.ensureWaiting();
            registration.start();
        }
        catch (RuntimeException ex) {
            forget(registration);
            throw ex;
        }
    }

    /**
     * INIT, answered on the mounting thread when it can be ({@link ProtocolSession#answerWaitingInit}):
     * it saves waking a pool thread and then the mounting thread for it.
     */
    private static void answerInit(ProtocolSession session, ServingHandle handle) {
        handle.requestStarted();
        try {
            if (session.answerWaitingInit()) {
                handle.initProcessed();
            }
        }
        finally {
            handle.requestDone();
        }
    }

    /** How many descriptors are watched now. */
    public synchronized int watched() {
        return this.watched;
    }

    /** How many mounts are served by {@link DedicatedReaders} now. */
    int dedicatedMounts() {
        return this.soloWatch.dedicatedMounts();
    }

    /** How many pool threads exist now (busy or waiting for events). */
    public int poolThreads() {
        return this.pool.threads();
    }

    /**
     * Names the pool threads now running requests of the mount {@code handle} serves after it
     * ({@link ServingHandle#threadName()}) until each of those requests is done: for the thread dump
     * or leak check of a callback that does not return. Pool threads otherwise keep their pool names.
     * Does nothing once the mount is no longer served (its registration named its threads at the end).
     */
    public void nameRequestThreads(ServingHandle handle) {
        for (Registration registration : this.slots) {
            if (registration != null && registration.handle() == handle) {
                registration.nameRequestThreads();
            }
        }
    }

    EventPoll poll() {
        return this.poll;
    }

    ServingPool pool() {
        return this.pool;
    }

    SoloWatch soloWatch() {
        return this.soloWatch;
    }

    Executor readerThreads() {
        return this.readerThreads;
    }

    private synchronized Registration register(ProtocolSession session, ServingHandle handle, int cap) {
        Registration[] table = this.slots;
        int slot = -1;
        for (int i = 0; i < table.length && slot < 0; i++) {
            int candidate = (this.nextSlot + i) % table.length;
            if (table[candidate] == null) {
                slot = candidate;
            }
        }
        if (slot < 0) {
            slot = table.length;
            table = Arrays.copyOf(table, table.length * 2);
        }
        this.nextSlot = slot + 1;
        long token = (++this.serial << 32) | slot;
        Registration registration = new Registration(this, session, handle, cap, token);
        table[slot] = registration;
        this.slots = table; // publishes the registration before its descriptor is watched
        this.watched++;
        return registration;
    }

    synchronized void forget(Registration registration) {
        Registration[] table = this.slots;
        int slot = (int) registration.token();
        if (table[slot] == registration) {
            table[slot] = null;
            this.watched--;
        }
    }

    private void dispatch(long token, ServingPool.Worker worker) {
        Registration[] table = this.slots;
        int slot = (int) token;
        Registration registration = (slot >= 0 && slot < table.length) ? table[slot] : null;
        if (registration != null && registration.token() == token) {
            registration.serveOne(worker);
        }
    }

    /** Daemon threads named {@code fuse-reader-N} while no mount has them (named after the mount while serving it). */
    private static final class ReaderThreadFactory implements ThreadFactory {

        static final String PREFIX = "fuse-reader-";

        private final AtomicInteger numbers = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, PREFIX + this.numbers.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }

    }

}
