// Logs exceptions thrown by filesystem callbacks, without flooding the log under load.
package io.github.fusespringboot.mount;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most {@value #PER_WINDOW} callback errors per mount are logged in full every
 * {@value #WINDOW_MILLIS} ms; the rest are counted and reported in one line when the next window
 * opens.
 */
final class CallbackErrorLog {

    private static final Logger logger = LoggerFactory.getLogger(FuseMount.class);

    static final int PER_WINDOW = 5;

    static final long WINDOW_MILLIS = 10_000;

    private final String mountName;

    private final AtomicLong windowStart = new AtomicLong();

    private final AtomicInteger inWindow = new AtomicInteger();

    private final AtomicInteger suppressed = new AtomicInteger();

    private final AtomicLong total = new AtomicLong();

    CallbackErrorLog(String mountName) {
        this.mountName = mountName;
    }

    void record(String operation, String path, Throwable error) {
        this.total.incrementAndGet();
        long now = System.currentTimeMillis();
        long start = this.windowStart.get();
        if (now - start >= WINDOW_MILLIS && this.windowStart.compareAndSet(start, now)) {
            this.inWindow.set(0);
            int dropped = this.suppressed.getAndSet(0);
            if (dropped > 0) {
                logger.warn("FUSE mount '{}': {} more callback errors were not logged", this.mountName, dropped);
            }
        }
        if (this.inWindow.incrementAndGet() <= PER_WINDOW) {
            logger.error("FUSE mount '{}': {}({}) threw; the caller gets EIO", this.mountName, operation,
                    (path != null) ? path : "", error);
        }
        else {
            this.suppressed.incrementAndGet();
        }
    }

    /** How many callback errors there have been. */
    long total() {
        return this.total.get();
    }

}
