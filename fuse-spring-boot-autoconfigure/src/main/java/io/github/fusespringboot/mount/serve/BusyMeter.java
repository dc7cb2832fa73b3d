// Whether a mount has been busy enough, just now, to be given readers of its own.
package io.github.fusespringboot.mount.serve;

import java.util.concurrent.TimeUnit;

/**
 * Counts a mount's busy requests (what counts as busy is the {@link Registration}'s call) and tells
 * when {@link #RUN} of them came within {@link #WINDOW_NANOS}. Not thread-safe: its owner's lock
 * guards it.
 */
final class BusyMeter {

    /** A mount gets dedicated readers once it served this many busy requests ... */
    static final int RUN = 64;

    /** ... within this long. */
    static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private int length;

    private long start;

    /** Counts one busy request; whether it completes a run of {@link #RUN} within {@link #WINDOW_NANOS}. */
    boolean count() {
        if (++this.length < RUN) {
            return false;
        }
        long now = System.nanoTime();
        boolean busy = now - this.start <= WINDOW_NANOS;
        this.length = 0;
        this.start = now;
        return busy;
    }

    /** Starts counting afresh. */
    void reset() {
        this.length = 0;
    }

}
