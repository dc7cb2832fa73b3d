// Counts the threads about to touch a mount's descriptor, and tells of the mount's end once none is.
package io.github.fusespringboot.mount.serve;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A pool thread (or the watch) about to read or re-arm a mount's descriptor {@link #enter}s first
 * and {@link #leave}s after. Once the mount ended ({@link #end}), the handle hears of it only when no
 * thread is inside: after that the descriptor is closed and its number may go to the next mount, so
 * a thread woken just before must not read it. Entering fails once the mount ended.
 */
final class EndGate {

    private static final int ENDING = 1 << 30;

    /** Threads inside, plus {@link #ENDING} once the mount ended. */
    private final AtomicInteger state = new AtomicInteger();

    private final IntConsumer ended;

    private volatile int errno;

    /** {@code ended}: told the errno of the end, once. */
    EndGate(IntConsumer ended) {
        this.ended = ended;
    }

    /** Whether the calling thread may touch the descriptor (then it must {@link #leave}); false once ended. */
    boolean enter() {
        int now;
        do {
            now = this.state.get();
            if ((now & ENDING) != 0) {
                return false;
            }
        }
        while (!this.state.compareAndSet(now, now + 1));
        return true;
    }

    /** The calling thread is done with the descriptor; the last one out after the end tells of it. */
    void leave() {
        if (this.state.decrementAndGet() == ENDING) {
            this.ended.accept(this.errno);
        }
    }

    /** The mount ended with {@code errno} (called once); told now if no thread is inside. */
    void end(int errno) {
        this.errno = errno;
        if (this.state.getAndAdd(ENDING) == 0) {
            this.ended.accept(errno);
        }
    }

}
