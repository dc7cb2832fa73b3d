package io.github.fusespringboot.mount.serve;

import java.util.concurrent.atomic.AtomicInteger;

import jnr.ffi.Pointer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The policy of waiting for a quick caller's next request (the reads themselves are the registration's). */
class QuickCallerTest {

    private static final long NOW = 1_000_000_000L;

    @Test
    void fourQuickRequestsInARowMakeACallerQuickAndASlowOneUndoesIt() {
        QuickCaller quick = new QuickCaller();
        long now = NOW;
        for (int i = 1; i <= QuickCaller.QUICK_RUN; i++) {
            assertThat(quick.isQuick()).as("after %d quick requests", i - 1).isFalse();
            quick.quiet(now);
            now += QuickCaller.QUICK_NANOS / 2;
            quick.woken(now);
        }
        assertThat(quick.isQuick()).isTrue();
        quick.quiet(now);
        quick.woken(now + QuickCaller.QUICK_NANOS + 1);
        assertThat(quick.isQuick()).as("after a request that came late").isFalse();
    }

    @Test
    void aWaitReturnsTheRequestThatCame() {
        QuickCaller quick = quickCaller();
        Source source = new Source(3, false);
        assertThat(quick.await(source, null, null)).isEqualTo(100);
        assertThat(source.reads.get()).isEqualTo(3);
        assertThat(quick.isQuick()).as("still quick").isTrue();
    }

    @Test
    void aWaitInVainIsBoundedAndMakesTheCallerSlow() {
        QuickCaller quick = quickCaller();
        Source source = new Source(Integer.MAX_VALUE, false);
        long started = System.nanoTime();
        assertThat(quick.await(source, null, null)).isEqualTo(-1);
        assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(QuickCaller.WAIT_NANOS);
        assertThat(quick.isQuick()).isFalse();
    }

    @Test
    void aWaitEndsWithTheMount() {
        QuickCaller quick = quickCaller();
        Source source = new Source(Integer.MAX_VALUE, true);
        assertThat(quick.await(source, null, null)).isEqualTo(-1);
        assertThat(source.reads.get()).isEqualTo(1);
    }

    @Test
    void aCallerMeasuredSlowIsProbedAndAProbeThatFindsTheRequestMakesItQuick() {
        QuickCaller quick = new QuickCaller();
        long now = NOW;
        for (int i = 0; i < QuickCaller.FIRST_PROBE; i++) {
            assertThat(quick.isQuick()).as("after %d slow wake-ups", i).isFalse();
            now = slowWakeUp(quick, now);
        }
        assertThat(quick.isQuick()).as("a probe after %d", QuickCaller.FIRST_PROBE).isTrue();
        assertThat(quick.await(new Source(2, false), null, null)).isEqualTo(100);
        assertThat(quick.isQuick()).as("quick after a wait found the request").isTrue();
        assertThat(quick.await(new Source(Integer.MAX_VALUE, false), null, null)).isEqualTo(-1);
        assertThat(quick.isQuick()).as("slow after a wait in vain").isFalse();
        for (int i = 0; i < QuickCaller.FIRST_PROBE; i++) { // probed as soon as at first: it was quick
            assertThat(quick.isQuick()).as("after %d slow wake-ups", i).isFalse();
            now = slowWakeUp(quick, now);
        }
        assertThat(quick.isQuick()).isTrue();
    }

    @Test
    void probesInVainComeAtDoublingIntervalsUpToTheLast() {
        QuickCaller quick = new QuickCaller();
        long now = NOW;
        for (int expected = QuickCaller.FIRST_PROBE; expected <= 4 * QuickCaller.LAST_PROBE; expected *= 2) {
            int gap = Math.min(expected, QuickCaller.LAST_PROBE);
            for (int i = 0; i < gap; i++) {
                assertThat(quick.isQuick()).as("wake-up %d of %d before a probe", i, gap).isFalse();
                now = slowWakeUp(quick, now);
            }
            assertThat(quick.isQuick()).as("a probe after %d wake-ups", gap).isTrue();
            assertThat(quick.await(new Source(Integer.MAX_VALUE, true), null, null)).isEqualTo(-1);
            assertThat(quick.isQuick()).isFalse();
        }
    }

    /** The mount went quiet at {@code now} and the next request was read too late for a quick caller. */
    private static long slowWakeUp(QuickCaller quick, long now) {
        quick.quiet(now);
        long later = now + QuickCaller.QUICK_NANOS * 4;
        quick.woken(later);
        return later;
    }

    private static QuickCaller quickCaller() {
        QuickCaller quick = new QuickCaller();
        for (int i = 0; i < QuickCaller.QUICK_RUN; i++) {
            quick.quiet(NOW + i);
            quick.woken(NOW + i + 1);
        }
        assertThat(quick.isQuick()).isTrue();
        return quick;
    }

    /** Has a request (of 100 bytes) at the {@code at}-th read; before it, none yet. */
    private static final class Source implements QuickCaller.Source {

        final AtomicInteger reads = new AtomicInteger();

        private final int at;

        private final boolean over;

        Source(int at, boolean over) {
            this.at = at;
            this.over = over;
        }

        @Override
        public int readNext(ServingSession.Buffer buffer, Pointer event) {
            return (this.reads.incrementAndGet() >= this.at) ? 100 : -1;
        }

        @Override
        public boolean isOver() {
            return this.over;
        }

    }

}
