// Whether the thread serving a mount alone waits a few microseconds for its caller's next request.
package io.github.fusespringboot.mount.serve;

import jnr.ffi.Pointer;

/**
 * A caller that sends its next request as soon as the last one is answered (a {@code dd}, a
 * {@code stat} after a lookup) is quicker than a thread's sleep and wake-up: the thread serving its
 * mount alone keeps reading for up to {@link #WAIT_NANOS} after an answer, and so takes the next
 * request still running. Waiting is only worth it for such a caller: {@link #QUICK_RUN} requests in
 * a row, each read within {@link #QUICK_NANOS} of the mount going quiet (epoll's wake-up included),
 * make it quick, and a wait in vain makes it slow again until the next such run. Those gaps include
 * the wake-up of a thread sleeping in epoll, which on a busy or virtual machine can alone take longer
 * than {@link #QUICK_NANOS}, so a caller measured slow once might never measure quick again: after
 * {@link #FIRST_PROBE} wake-ups without a wait, one wait is tried anyway (a probe), and each probe in
 * vain doubles the wake-ups until the next, up to {@link #LAST_PROBE}; a wait that finds the request
 * makes the caller quick. A slow caller so costs one bounded wait every thousand or so requests.
 * The state belongs to whichever thread holds the mount's descriptor; the registration decides
 * whether waiting fits beside the rest of the engine's work.
 */
final class QuickCaller {

    /** How long a wait for the next request lasts at most. */
    static final long WAIT_NANOS = 20_000;

    static final long QUICK_NANOS = 50_000;

    static final int QUICK_RUN = 4;

    /** Wake-ups without a wait before the first probe, and the most between two probes. */
    static final int FIRST_PROBE = 16;

    static final int LAST_PROBE = 1024;

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

    /** Wake-ups since the last wait, and how many make the next probe. */
    private int sinceWait;

    private int probeAfter = FIRST_PROBE;

    /** A thread woken by epoll read a request of the mount at {@code now}. */
    void woken(long now) {
        this.quickRun = (now - this.quietSince < QUICK_NANOS) ? this.quickRun + 1 : 0;
        this.sinceWait++;
    }

    /** The thread serving alone found no next request at {@code now} and gives the descriptor back. */
    void quiet(long now) {
        this.quietSince = now;
    }

    /** Whether the thread serving alone should wait for the next request: a quick caller, or a probe. */
    boolean isQuick() {
        return ENABLED && (this.quickRun >= QUICK_RUN || this.sinceWait >= this.probeAfter);
    }

    /** Reads from {@code source} until a request comes (its length), the wait is over or the mount ended (-1). */
    int await(Source source, ServingSession.Buffer buffer, Pointer event) {
        long deadline = System.nanoTime() + WAIT_NANOS;
        do {
            Thread.onSpinWait();
            int length = source.readNext(buffer, event);
            if (length >= 0) {
                this.quickRun = Math.max(this.quickRun, QUICK_RUN);
                this.probeAfter = FIRST_PROBE;
                this.sinceWait = 0;
                return length;
            }
        }
        while (!source.isOver() && System.nanoTime() - deadline < 0);
        if (this.quickRun < QUICK_RUN) { // a probe in vain: the next one after twice as many wake-ups
            this.probeAfter = Math.min(this.probeAfter * 2, LAST_PROBE);
        }
        this.quickRun = 0;
        this.sinceWait = 0;
        return -1;
    }

}
