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

    /** What a large transfer counts for: {@link #RUN} of them make a run of 8 (at least 2 MiB). */
    static final int LARGE_WEIGHT = RUN / 8;

    private int length;

    private long start;

    /**
     * Counts one busy request ({@code weight} 1, or {@link #LARGE_WEIGHT} for a large transfer);
     * whether it completes a run of {@link #RUN} within {@link #WINDOW_NANOS} of the run's first.
     */
    boolean count(int weight) {
        long now = System.nanoTime();
        if (this.length == 0 || now - this.start > WINDOW_NANOS) {
            this.length = 0; // a run starts here
            this.start = now;
        }
        this.length += weight;
        if (this.length < RUN) {
            return false;
        }
        this.length = 0;
        return true;
    }

    /** Starts counting afresh. */
    void reset() {
        this.length = 0;
    }

}
