package io.github.fusespringboot.mount;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import ru.serce.jnrfuse.examples.HelloFuse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 4 section 2: the scenario go-fuse hung on (ORIGIN.md) at CI size, in both loop modes. Zero
 * failures and zero leaks are asserted; the throughput is printed, never asserted.
 */
@ExtendWith(FuseTestExtension.class)
class FoundingScenarioStressTest {

    static final int CYCLES = 2_000;

    static final int WORKERS = 8;

    /** Generous for one mount + read + unmount (a few ms normally); a hang fails the run instead. */
    static final Duration CYCLE_BOUND = Duration.ofSeconds(10);

    @ParameterizedTest(name = "multithreaded={0}")
    @ValueSource(booleans = { false, true })
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void eightWorkersMountReadAndUnmountTwoThousandTimesWithoutFailureOrLeak(boolean multithreaded,
            FuseTestExtension.Fixture fx) throws Exception {
        FoundingScenario.Result result = new FoundingScenario(fx.manager(), fx.root(), WORKERS, CYCLES, multithreaded,
                CYCLE_BOUND)
            .run();

        System.out.printf("STRESS loop=%s workers=%d cycles=%d failures=%d seconds=%.2f cycles_per_s=%.0f%n",
                multithreaded ? "multithreaded" : "single", WORKERS, result.cycles(), result.failures(),
                result.seconds(), result.cyclesPerSecond());
        assertThat(result.failureMessages()).isEmpty();
        assertThat(result.failures()).isZero();
        assertThat(result.cycles()).isEqualTo(CYCLES);
        assertThat(fx.manager().mounts()).isEmpty();
        assertThat(FuseTestExtension.leaks(fx.root())).as("mounts under the root, /dev/fuse fds, serving threads")
            .isEmpty();
        try (var left = java.nio.file.Files.list(fx.root())) {
            assertThat(left).as("every cycle removed its directory").isEmpty();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aCycleThatHangsFailsTheRunWithinItsBoundInsteadOfBlockingIt(FuseTestExtension.Fixture fx) throws Exception {
        WedgedFilesystemTest.BlockingReadFs hanging = new WedgedFilesystemTest.BlockingReadFs();
        AtomicInteger workers = new AtomicInteger();
        Duration bound = Duration.ofSeconds(1);
        long started = System.nanoTime();
        FoundingScenario.Result result;
        try {
            result = new FoundingScenario(fx.manager(), fx.root(), 2, 50, true, bound)
                .filesystems(() -> (workers.getAndIncrement() == 0) ? hanging : new HelloFuse())
                .run();
        }
        finally {
            hanging.release.countDown();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(result.failures()).isPositive();
        assertThat(result.failureMessages().get(0)).contains("stuck for more than", "reading");
        assertThat(took).as("watchdog bound (2 x 1 s + abort grace) + abort + join").isLessThan(Duration.ofSeconds(20));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!FuseTestExtension.leaks(fx.root()).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(FuseTestExtension.leaks(fx.root())).isEmpty();
    }

}
