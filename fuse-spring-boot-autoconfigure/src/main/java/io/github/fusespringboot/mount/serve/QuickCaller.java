// Whether the thread serving a mount alone waits a few microseconds for its caller's next request.
package io.github.fusespringboot.mount.serve;

import jnr.ffi.Pointer;

/**
 * A caller that sends its next request as soon as the last one is answered (a {@code dd}, a
 * {@code stat} after a lookup) is quicker than a thread's sleep and wake-up: the thread serving its
 * mount alone keeps reading for up to {@link #WAIT_NANOS} after an answer, and so takes the next
 * request still running. Waiting is only worth it for such a caller: {@link #QUICK_RUN} requests in
 * a row, each read within {@link #QUICK_NANOS} of the mount going quiet (epoll's wake-up included),
 * make it quick, and a wait in vain makes it slow again until the next such run. The state belongs to
 * whichever thread holds the mount's descriptor; the registration decides whether waiting fits
 * beside the rest of the engine's work.
 */
final class QuickCaller {

    /** How long a wait for the next request lasts at most. */
    static final long WAIT_NANOS = 20_000;

    static final long QUICK_NANOS = 50_000;

    static final int QUICK_RUN = 4;

    /** Whether waiting is on at all ({@code -Dfuse.protocol.solo-wait=false}: never). */
    static final boolean ENABLED = !"false".equals(System.getProperty("fuse.protocol.solo-wait"));

    /** What a wait reads from: the mount's descriptor, non-blocking. */
    interface Source {

        /** The next request into {@code buffer}, or -1 (none yet, or the mount ended). */
        int readNext(ServingSession.Buffer buffer, Pointer event);

        /** Whether the mount ended (no request will come). */
        boolean isOver();

    }

    private long quietSince = Long.MIN_VALUE / 2;

    private int quickRun;

    /** A thread woken by epoll read a request of the mount at {@code now}. */
    void woken(long now) {
        this.quickRun = (now - this.quietSince < QUICK_NANOS) ? this.quickRun + 1 : 0;
    }

    /** The thread serving alone found no next request at {@code now} and gives the descriptor back. */
    void quiet(long now) {
        this.quietSince = now;
    }

    boolean isQuick() {
        return ENABLED && this.quickRun >= QUICK_RUN;
    }

    /** Reads from {@code source} until a request comes (its length), the wait is over or the mount ended (-1). */
    int await(Source source, ServingSession.Buffer buffer, Pointer event) {
        long deadline = System.nanoTime() + WAIT_NANOS;
        do {
            Thread.onSpinWait();
            int length = source.readNext(buffer, event);
            if (length >= 0) {
                return length;
            }
        }
        while (!source.isOver() && System.nanoTime() - deadline < 0);
        this.quickRun = 0;
        return -1;
    }

}
