package io.github.fusespringboot.mount.serve;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine-wide pool grows while tasks block, up to its maximum, and queues beyond it. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ServingPoolTest {

    @Test
    void aTaskArrivingWhileEveryThreadIsBlockedGetsANewThread() throws Exception {
        ServingPool pool = new ServingPool(2, 16, 30, TimeUnit.SECONDS);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(5);
        try {
            for (int i = 0; i < 5; i++) {
                pool.execute(() -> {
                    running.countDown();
                    await(release);
                });
            }
            assertThat(running.await(10, TimeUnit.SECONDS)).as("five blocking tasks all run at once").isTrue();
            assertThat(pool.threads()).isEqualTo(5);
            CountDownLatch quick = new CountDownLatch(1);
            pool.execute(quick::countDown);
            assertThat(quick.await(10, TimeUnit.SECONDS)).as("a sixth task is not held up by the blocked five")
                .isTrue();
        }
        finally {
            release.countDown();
        }
    }

    @Test
    void beyondTheMaximumTasksWaitForAFreeThreadInOrder() throws Exception {
        ServingPool pool = new ServingPool(1, 3, 30, TimeUnit.SECONDS);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(3);
        AtomicInteger done = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(5);
        for (int i = 0; i < 5; i++) {
            pool.execute(() -> {
                running.countDown();
                await(release);
                done.incrementAndGet();
                all.countDown();
            });
        }
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(pool.threads()).as("bounded").isEqualTo(3);
        assertThat(done.get()).isZero();
        release.countDown();
        assertThat(all.await(10, TimeUnit.SECONDS)).as("the queued two ran once threads were free").isTrue();
        assertThat(pool.threads()).isEqualTo(3);
    }

    @Test
    void threadsAboveTheCoreSizeEndWhenIdle() throws Exception {
        ServingPool pool = new ServingPool(1, 8, 50, TimeUnit.MILLISECONDS);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(4);
        for (int i = 0; i < 4; i++) {
            pool.execute(() -> {
                running.countDown();
                await(release);
            });
        }
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        release.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pool.threads() > 1 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(pool.threads()).isEqualTo(1);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

}
