// The engine-wide threads that wait in epoll_wait and run the request they woke for: sized by cores, grown while callbacks block.
package io.github.fusespringboot.mount.serve;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.fusespringboot.mount.natives.EventPoll;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader/follower threads shared by all protocol-engine mounts: every idle thread waits in
 * {@code epoll_wait} on the one {@link EventPoll} for one event, and the thread that wakes reads and
 * runs that request itself (one wake-up per request, as libfuse's threads blocking in {@code read}).
 * A thread that takes an event while no other thread is left waiting starts another (so a callback
 * that blocks never keeps the next ready descriptor waiting), up to {@code max}; past that, ready
 * descriptors wait in epoll for a thread to come back. Threads above {@code core} end after
 * {@code keepAlive} without an event. Threads are made on demand: before the first mount there are none.
 */
final class ServingPool {

    private static final Logger logger = LoggerFactory.getLogger(ServingPool.class);

    /** Name prefix of the pool's threads. */
    static final String THREAD_PREFIX = "fuse-worker-";

    /** Runs the request of one event. */
    interface Dispatcher {

        /** Serves the descriptor whose one-shot event carried {@code token}, on {@code worker}'s thread. */
        void dispatch(long token, Worker worker);

    }

    private final EventPoll poll;

    private final Dispatcher dispatcher;

    private final int core;

    private final int max;

    private final int keepAliveMillis;

    private final AtomicInteger threads = new AtomicInteger();

    private final AtomicInteger waiting = new AtomicInteger();

    private final AtomicInteger numbers = new AtomicInteger();

    private final Set<Worker> workers = ConcurrentHashMap.newKeySet();

    ServingPool(EventPoll poll, Dispatcher dispatcher, int core, int max, long keepAlive, TimeUnit unit) {
        this.poll = poll;
        this.dispatcher = dispatcher;
        this.core = Math.max(1, core);
        this.max = Math.max(this.core, max);
        this.keepAliveMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, unit.toMillis(keepAlive)));
    }

    /** Makes sure some thread waits for events (the first mount's, or after every thread failed). */
    void ensureWaiting() {
        if (this.waiting.get() == 0) {
            startThread();
        }
    }

    /** How many of the pool's threads are not waiting for an event now (serving, or starting). */
    int busyThreads() {
        return this.threads.get() - this.waiting.get();
    }

    /** How many threads the pool has now, busy or waiting. */
    int threads() {
        return this.threads.get();
    }

    /**
     * Names the threads now running a request of {@code registration} after its mount until that
     * request is done, for a thread dump or leak check of a callback that does not return.
     */
    void nameThreadsServing(Registration registration, String name) {
        for (Worker worker : this.workers) {
            worker.nameIfServing(registration, name);
        }
    }

    private void startThread() {
        int count;
        do {
            count = this.threads.get();
            if (count >= this.max) {
                return;
            }
        }
        while (!this.threads.compareAndSet(count, count + 1));
        Worker worker = new Worker(THREAD_PREFIX + this.numbers.incrementAndGet());
        Thread thread = new Thread(worker, worker.idleName);
        thread.setDaemon(true);
        worker.thread = thread;
        this.workers.add(worker);
        try {
            thread.start();
        }
        catch (RuntimeException | OutOfMemoryError ex) {
            this.workers.remove(worker);
            this.threads.decrementAndGet();
            // the events stay in epoll for the threads there are
            logger.error("Could not start another FUSE serving thread", ex);
        }
    }

    /** Whether a thread above the core size, idle for keepAlive, may end (and is no longer counted). */
    private boolean retire() {
        int count;
        do {
            count = this.threads.get();
            if (count <= this.core) {
                return false;
            }
        }
        while (!this.threads.compareAndSet(count, count - 1));
        return true;
    }

    private void work(Worker worker) {
        try {
            while (awaitAndDispatch(worker)) {
                // one event per call, so that the work is compiled early (as a reader's loop)
            }
        }
        finally {
            this.workers.remove(worker);
        }
    }

    /** Waits for one event and dispatches it; false when the thread is to end. */
    private boolean awaitAndDispatch(Worker worker) {
        Pointer event = worker.event;
        this.waiting.incrementAndGet();
        int timeout = (this.threads.get() > this.core) ? this.keepAliveMillis : -1;
        int ready = this.poll.await(event, timeout);
        int stillWaiting = this.waiting.decrementAndGet();
        if (ready == 0) {
            return timeout < 0 || !retire();
        }
        if (ready < 0) {
            this.threads.decrementAndGet();
            logger.error("epoll_wait failed with errno {}; a FUSE serving thread stops", -ready);
            return false;
        }
        if (stillWaiting == 0) {
            startThread(); // nobody is left to take the next event while this one runs
        }
        try {
            this.dispatcher.dispatch(EventPoll.token(event), worker);
        }
        catch (Throwable ex) {
            // requests handle their own failures; this one must not take the thread down
            Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), ex);
        }
        return true;
    }

    /**
     * One pool thread: its {@code struct epoll_event} (also for re-arming) and the registration whose
     * request it runs. It keeps its pool name while serving; {@link #nameIfServing} renames it after a
     * mount only for diagnostics, and it takes its pool name back when that request is done.
     */
    final class Worker implements Runnable {

        final String idleName;

        final Pointer event = EventPoll.event();

        private Thread thread;

        private volatile Registration serving;

        private volatile boolean named;

        Worker(String idleName) {
            this.idleName = idleName;
        }

        @Override
        public void run() {
            work(this);
        }

        /** This thread is about to run a request of {@code registration}. */
        void serving(Registration registration) {
            this.serving = registration;
        }

        /** This thread's request is done (answered or dropped). */
        void served() {
            this.serving = null;
            if (this.named) {
                synchronized (this) {
                    if (this.named) {
                        this.named = false;
                        this.thread.setName(this.idleName);
                    }
                }
            }
        }

        synchronized void nameIfServing(Registration registration, String name) {
            // named is set before serving is read, as served() clears serving before it reads named:
            // one of the two sees the other's write, so a name given here is always taken back
            boolean already = this.named;
            this.named = true;
            if (this.serving == registration) {
                this.thread.setName(name);
            }
            else if (!already) {
                this.named = false;
            }
        }

    }

}
