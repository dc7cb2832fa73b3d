// The pool of threads that serve FUSE requests; a thread is named after the mount it serves.
package io.github.fusespringboot.mount;

import java.time.Duration;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Platform daemon threads, reused across mounts (creating a thread per mount was a large part of a
 * mount's cost). Idle threads are named {@code fuse-idle-N} and end after a while; a serving thread
 * is named {@code fuse:<mount>} (and {@code fuse:<mount>#K} for further threads of one mount).
 */
final class LoopThreads {

    /** Prefix of every thread that is serving a mount. */
    static final String SERVING_PREFIX = "fuse:";

    private final ThreadPoolExecutor pool;

    LoopThreads(Duration keepAlive) {
        AtomicInteger counter = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, keepAlive.toMillis(), TimeUnit.MILLISECONDS,
                new SynchronousQueue<>(), (task) -> {
                    Thread thread = new Thread(task, "fuse-idle-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /** Runs {@code loop} on a pooled thread named {@code name} while it runs. */
    void start(String name, Runnable loop) {
        this.pool.execute(() -> {
            Thread thread = Thread.currentThread();
            String idleName = thread.getName();
            thread.setName(name);
            try {
                loop.run();
            }
            finally {
                thread.setName(idleName);
            }
        });
    }

    /** Lets idle threads end; serving threads end with their mounts. */
    void shutdown() {
        this.pool.shutdown();
    }

}
