package io.github.fusespringboot.mount.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.FuseTestExtension;
import io.github.fusespringboot.mount.ManagedFuseStubFS;
import io.github.fusespringboot.mount.MountSpec;
import io.github.fusespringboot.mount.TestStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.struct.FileStat;

import static org.assertj.core.api.Assertions.assertThat;

/** The protocol engine's shared reactor: idle mounts hold no thread, a blocked mount delays no other. */
@ExtendWith(FuseTestExtension.class)
class ReactorTest {

    /** How many idle mounts; a system property so the same test measures other counts too. */
    private static final int MOUNTS = Integer.getInteger("fuse.test.idle-mounts", 1000);

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aThousandIdleMountsShareAtMost32ServingThreads(FuseTestExtension.Fixture fx) throws Exception {
        long rssBefore = rssKib();
        long heapBefore = heapUsed();
        int threadsBefore = Thread.activeCount();
        List<FuseMount> mounts = new ArrayList<>();
        long started = System.nanoTime();
        long firstTenth = 0;
        long lastTenth = 0;
        for (int i = 0; i < MOUNTS; i++) {
            long one = System.nanoTime();
            mounts.add(fx.manager().mount(spec("idle-" + i, fx.dir("idle-" + i), new RootOnlyFs()).build()));
            one = System.nanoTime() - one;
            firstTenth += (i < MOUNTS / 10) ? one : 0;
            lastTenth += (i >= MOUNTS - MOUNTS / 10) ? one : 0;
        }
        long mountNanos = System.nanoTime() - started;
        System.out.printf("reactor idle cost: mean mount of the first tenth %.2f ms, of the last tenth %.2f ms%n",
                firstTenth / 1e6 / Math.max(1, MOUNTS / 10), lastTenth / 1e6 / Math.max(1, MOUNTS / 10));
        for (FuseMount mount : mounts) {
            assertThat(Files.isDirectory(mount.mountPoint().resolve("."))).isTrue();
            assertThat(Files.exists(mount.mountPoint().resolve("missing"))).isFalse();
        }
        List<String> engine = engineThreads();
        long rssPerMount = (rssKib() - rssBefore) * 1024 / MOUNTS;
        long heapPerMount = (heapUsed() - heapBefore) / MOUNTS;
        int threadsAdded = Thread.activeCount() - threadsBefore;
        System.out.printf("reactor idle cost: %d mounts in %d ms (%.2f ms each), engine threads %d %s, JVM threads "
                + "+%d, per mount: RSS +%d bytes, live heap +%d bytes%n", MOUNTS, mountNanos / 1_000_000,
                mountNanos / 1e6 / MOUNTS, engine.size(),
                engine.stream().filter((name) -> !name.startsWith(ServingPool.THREAD_PREFIX)).toList(), threadsAdded,
                rssPerMount, heapPerMount);
        assertThat(Reactor.shared().watched()).isGreaterThanOrEqualTo(MOUNTS);
        assertThat(engine).as("threads serving %d idle mounts", MOUNTS).hasSizeLessThanOrEqualTo(32);
        assertThat(threadsAdded).as("threads the JVM gained for %d idle mounts", MOUNTS).isLessThanOrEqualTo(32);
        assertThat(mounts).allSatisfy((mount) -> assertThat(mount.servingThreads()).isZero());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aCallbackBlockedForEverInOneMountDoesNotDelayAnotherMount(FuseTestExtension.Fixture fx) throws Exception {
        int cap = 4;
        BlockingFs blocked = new BlockingFs();
        FuseMount a = fx.manager().mount(spec("blocked", fx.dir("blocked"), blocked).maxThreads(cap).build());
        FuseMount b = fx.manager().mount(spec("answering", fx.dir("answering"), new RootOnlyFs()).build());
        List<CompletableFuture<Boolean>> stuck = new ArrayList<>();
        try {
            for (int i = 0; i < cap + 2; i++) {
                Path file = a.mountPoint().resolve("stuck-" + i); // distinct names: lookups run in parallel
                stuck.add(CompletableFuture.supplyAsync(() -> Files.exists(file),
                        (task) -> new Thread(task, "stat-blocked").start()));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (blocked.entered.get() < cap && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(blocked.entered.get()).as("requests of the blocked mount in its callbacks").isEqualTo(cap);

            long slowest = 0;
            for (int i = 0; i < 500; i++) {
                long started = System.nanoTime();
                assertThat(Files.exists(b.mountPoint().resolve("nothing-" + i))).isFalse();
                slowest = Math.max(slowest, System.nanoTime() - started);
            }
            System.out.printf("reactor: slowest of 500 lookups on a mount beside a blocked one: %.2f ms%n",
                    slowest / 1e6);
            assertThat(TimeUnit.NANOSECONDS.toMillis(slowest)).as("slowest lookup beside the blocked mount")
                .isLessThan(2000);
            assertThat(blocked.entered.get()).as("the per-mount cap on requests in flight").isEqualTo(cap);
            assertThat(a.servingThreads()).isEqualTo(cap);
            assertThat(stuck).noneMatch(CompletableFuture::isDone);
        }
        finally {
            blocked.release.countDown();
        }
        for (CompletableFuture<Boolean> stat : stuck) {
            assertThat(stat.get(10, TimeUnit.SECONDS)).isFalse();
        }
        assertThat(blocked.entered.get()).isEqualTo(cap + 2);
        a.unmount();
        b.unmount();
        assertThat(a.isServing()).isFalse();
    }

    private static MountSpec.Builder spec(String name, Path dir, ru.serce.jnrfuse.FuseFS fs) {
        return MountSpec.builder(name, dir, fs);
    }

    /** Threads of the protocol engine: pool threads (under their pool names or named after a mount). */
    private static List<String> engineThreads() {
        return Thread.getAllStackTraces()
            .keySet()
            .stream()
            .filter(Thread::isAlive)
            .map(Thread::getName)
            .filter((name) -> name.startsWith(ServingPool.THREAD_PREFIX)
                    || name.startsWith(FuseMount.SERVING_THREAD_PREFIX))
            .toList();
    }

    private static long heapUsed() {
        System.gc();
        return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long rssKib() throws IOException {
        System.gc();
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS");
    }

    /** An empty root directory. */
    static class RootOnlyFs extends ManagedFuseStubFS {

        @Override
        public int getattr(String path, FileStat stat) {
            if (path.equals("/")) {
                return TestStats.directory(stat);
            }
            return -ErrorCodes.ENOENT();
        }

    }

    /** A root whose every other name blocks in getattr until released. */
    static final class BlockingFs extends RootOnlyFs {

        final AtomicInteger entered = new AtomicInteger();

        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public int getattr(String path, FileStat stat) {
            if (!path.equals("/")) {
                this.entered.incrementAndGet();
                try {
                    this.release.await();
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
            return super.getattr(path, stat);
        }

    }

}
