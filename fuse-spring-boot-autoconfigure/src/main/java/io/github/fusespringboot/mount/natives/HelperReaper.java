// Ends the helper's children within deadlines: waitpid without blocking, then SIGKILL; remembers the unreapable.
package io.github.fusespringboot.mount.natives;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Reaps helper children with bounded waits: {@code waitpid} with {@code WNOHANG}, then {@code SIGKILL}. A
 * child that cannot even be reaped after {@code SIGKILL} is remembered and reaped by a later call.
 */
final class HelperReaper {

    // sys/wait.h, signal.h: x86_64 and aarch64 alike
    private static final int WNOHANG = 1;

    private static final int SIGKILL = 9;

    /** How long a child gets to disappear after SIGKILL. */
    static final Duration KILL_GRACE = Duration.ofSeconds(2);

    private static final Queue<Integer> UNREAPED = new ConcurrentLinkedQueue<>();

    private HelperReaper() {
    }

    /**
     * Waits for the child until the deadline (at once if the output already ended: it is exiting),
     * then kills it and gives it {@link #KILL_GRACE}. Returns the wait status, or
     * {@code Integer.MIN_VALUE} when it could not be reaped (it is remembered and reaped later).
     */
    static int reap(int pid, long deadline, boolean kill) {
        if (!kill) {
            int status = waitUntil(pid, deadline);
            if (status != Integer.MIN_VALUE) {
                return status;
            }
        }
        Native.libc().kill(pid, SIGKILL);
        int status = waitUntil(pid, System.nanoTime() + KILL_GRACE.toNanos());
        if (status == Integer.MIN_VALUE) {
            UNREAPED.add(pid);
        }
        return status;
    }

    private static int waitUntil(int pid, long deadline) {
        LibC libc = Native.libc();
        int[] status = new int[1];
        long pause = 20_000;
        while (true) {
            int result = libc.waitpid(pid, status, WNOHANG);
            if (result == pid) {
                return status[0];
            }
            if (result < 0 && Native.lastErrno() != Errno.EINTR) {
                return 0; // ECHILD: somebody else reaped it; nothing is left to wait for
            }
            if (System.nanoTime() >= deadline) {
                return Integer.MIN_VALUE;
            }
            LockSupport.parkNanos(Math.min(pause, Math.max(deadline - System.nanoTime(), 1)));
            pause = Math.min(pause * 2, 5_000_000);
        }
    }

    static void reapAbandoned() {
        int size = UNREAPED.size();
        for (int i = 0; i < size; i++) {
            Integer pid = UNREAPED.poll();
            if (pid == null) {
                return;
            }
            int result = Native.libc().waitpid(pid, new int[1], WNOHANG);
            if (result == 0) {
                UNREAPED.add(pid);
            }
        }
    }

    /** Number of children that could not be reaped yet (killed, but still in the kernel). */
    static int unreaped() {
        return UNREAPED.size();
    }

}
