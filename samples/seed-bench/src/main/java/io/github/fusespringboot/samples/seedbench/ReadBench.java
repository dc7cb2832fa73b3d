// A read benchmark: what serving a filesystem call costs, with and without per-operation timers.
package io.github.fusespringboot.samples.seedbench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.github.fusespringboot.actuate.metrics.FuseMetrics;
import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.MountManager;
import io.github.fusespringboot.mount.MountSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import ru.serce.jnrfuse.examples.HelloFuse;

/**
 * Mounts one hello filesystem with {@code direct_io} (so every read reaches the filesystem, never the
 * page cache) and has the workers open, read and close its file for a fixed time. Each iteration is
 * about four filesystem calls (open, read, flush, release). {@code --op-timers=none} binds no meters,
 * {@code off} binds the mount meters without per-operation timers, {@code on} with them.
 */
final class ReadBench {

    private final MountManager manager;

    private final BenchOptions options;

    private final String opTimers;

    private final int seconds;

    private final PrintStream out;

    ReadBench(MountManager manager, BenchOptions options, String opTimers, int seconds, PrintStream out) {
        this.manager = manager;
        this.options = options;
        this.opTimers = opTimers;
        this.seconds = seconds;
        this.out = out;
    }

    int run() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        if (!this.opTimers.equals("none")) {
            new FuseMetrics(this.manager, this.opTimers.equals("on")).bindTo(registry);
        }
        Path dir = Files.createDirectories(this.options.root()).resolve("read");
        Files.createDirectories(dir);
        Path file = dir.resolve(HelloFuse.HELLO_PATH.substring(1));
        AtomicLong reads = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        try (FuseMount mount = this.manager.mount(MountSpec.builder("read", dir, new ManagedHello())
            .multithreaded(true)
            .option("direct_io")
            .build())) {
            // warm up, then measure
            runWorkers(file, 2, new AtomicLong(), failures);
            long started = System.nanoTime();
            runWorkers(file, this.seconds, reads, failures);
            double elapsed = (System.nanoTime() - started) / 1e9;
            long operations = (registry.find("fuse.operations").timers().stream().mapToLong((t) -> t.count()).sum());
            this.out.printf(Locale.ROOT,
                    "RESULT scenario=read op_timers=%s workers=%d seconds=%.1f reads=%d reads_per_s=%.0f failures=%d timed_operations=%d%n",
                    this.opTimers, this.options.workers(), elapsed, reads.get(), reads.get() / elapsed, failures.get(),
                    operations);
        }
        finally {
            Files.deleteIfExists(dir);
        }
        return (failures.get() == 0) ? 0 : 1;
    }

    private void runWorkers(Path file, int seconds, AtomicLong reads, AtomicLong failures) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch done = new CountDownLatch(this.options.workers());
        for (int w = 0; w < this.options.workers(); w++) {
            Thread thread = new Thread(() -> {
                try {
                    while (System.nanoTime() < deadline) {
                        byte[] content = Files.readAllBytes(file);
                        if (content.length != HelloFuse.HELLO_STR.length()) {
                            failures.incrementAndGet();
                        }
                        reads.incrementAndGet();
                    }
                }
                catch (IOException ex) {
                    failures.incrementAndGet();
                    this.out.println("FAILURE: " + ex);
                }
                finally {
                    done.countDown();
                }
            }, "read-bench-" + w);
            thread.setDaemon(true);
            thread.start();
        }
        if (!done.await(seconds + 30L, TimeUnit.SECONDS)) {
            throw new IllegalStateException("read workers did not finish");
        }
    }

}
