// The engine-wide threads that run protocol requests of every mount: sized by cores, grown while callbacks block.
package io.github.fusespringboot.mount.serve;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pool of daemon threads shared by all protocol-engine mounts. It keeps up to {@code core} threads
 * (made on demand) and starts another whenever a task arrives while every thread is busy, as when
 * callbacks block, up to {@code max}; past that, tasks wait in order. Threads above {@code core} end
 * after {@code keepAlive} without work. One lock guards the queue and the counts, so a task is never
 * counted as taken by a thread that is already busy (which would let one blocked callback delay another
 * mount's request).
 */
final class ServingPool {

    /** Name prefix of an idle pool thread (a thread running a request is named after its mount). */
    static final String IDLE_PREFIX = "fuse-worker-";

    private final int core;

    private final int max;

    private final long keepAliveNanos;

    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();

    private final AtomicInteger numbers = new AtomicInteger();

    private int threads;

    private int waiting;

    ServingPool(int core, int max, long keepAlive, TimeUnit unit) {
        this.core = Math.max(1, core);
        this.max = Math.max(this.core, max);
        this.keepAliveNanos = unit.toNanos(keepAlive);
    }

    /** Runs {@code task} on a pool thread: an idle one, a new one while below the maximum, or the next free. */
    void execute(Runnable task) {
        boolean start;
        synchronized (this) {
            this.queue.addLast(task);
            // every waiting thread takes one task: only more tasks than waiters need a new thread
            start = this.queue.size() > this.waiting && this.threads < this.max;
            if (start) {
                this.threads++;
            }
            else {
                notify();
            }
        }
        if (start) {
            Thread thread = new Thread(this::work, IDLE_PREFIX + this.numbers.incrementAndGet());
            thread.setDaemon(true);
            try {
                thread.start();
            }
            catch (RuntimeException | Error ex) {
                synchronized (this) {
                    this.threads--;
                }
                throw ex;
            }
        }
    }

    /** How many threads the pool has now, busy or idle. */
    synchronized int threads() {
        return this.threads;
    }

    private void work() {
        while (true) {
            Runnable task = next();
            if (task == null) {
                return;
            }
            try {
                task.run();
            }
            catch (Throwable ex) {
                // tasks handle their own failures; this one must not take the thread down
                Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), ex);
            }
        }
    }

    /** The next task, or null when this thread has been idle for keepAlive while above core size. */
    private synchronized Runnable next() {
        long idleSince = System.nanoTime();
        while (true) {
            Runnable task = this.queue.pollFirst();
            if (task != null) {
                return task;
            }
            long left = this.keepAliveNanos - (System.nanoTime() - idleSince);
            if (left <= 0 && this.threads > this.core) {
                this.threads--;
                return null;
            }
            this.waiting++;
            try {
                if (this.threads > this.core) {
                    TimeUnit.NANOSECONDS.timedWait(this, Math.max(left, 1));
                }
                else {
                    wait();
                }
            }
            catch (InterruptedException ex) {
                // pool threads are not interrupted by the engine; keep serving
            }
            finally {
                this.waiting--;
            }
        }
    }

}
