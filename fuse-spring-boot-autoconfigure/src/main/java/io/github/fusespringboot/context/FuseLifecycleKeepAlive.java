// The non-daemon thread that keeps the JVM alive while the lifecycle's declared mounts are up.
package io.github.fusespringboot.context;

import java.util.concurrent.CountDownLatch;

/**
 * Keeps the JVM alive while {@link FuseLifecycle} has mounts up, like the await thread of an embedded
 * web server: the engine serves requests on daemon threads, so without it an application without a
 * web server would exit (and unmount) as soon as its {@code main} returned. The thread does nothing
 * but wait to be released, so it never holds up a shutdown: the JVM's shutdown hook closes the
 * context, whose lifecycle stop releases it.
 */
final class FuseLifecycleKeepAlive {

    /** The thread's name, as it shows in a thread dump. */
    static final String THREAD_NAME = "fuse-keep-alive";

    private Thread thread;

    private CountDownLatch release;

    /** Starts the thread unless it runs already. */
    synchronized void start() {
        if (this.thread != null) {
            return;
        }
        CountDownLatch latch = new CountDownLatch(1);
        Thread waiter = new Thread(() -> awaitRelease(latch), THREAD_NAME);
        waiter.setDaemon(false);
        // the thread outlives nothing it could pin: it ends when the lifecycle stops
        waiter.setContextClassLoader(null);
        this.release = latch;
        this.thread = waiter;
        waiter.start();
    }

    /** Lets the thread end (it does at once); idempotent. Does not wait for it. */
    synchronized void stop() {
        if (this.thread == null) {
            return;
        }
        this.release.countDown();
        this.thread = null;
        this.release = null;
    }

    /** Whether the thread has been started and not released. */
    synchronized boolean isActive() {
        return this.thread != null;
    }

    private static void awaitRelease(CountDownLatch latch) {
        try {
            latch.await();
        }
        catch (InterruptedException ex) {
            // whoever interrupts us wants the JVM to be able to exit: end, like Boot's own keep-alive
            Thread.currentThread().interrupt();
        }
    }

}
