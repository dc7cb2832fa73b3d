// The founding scenario: mount a tiny filesystem on a fresh directory, read it, unmount, remove; many times, many at once.
package io.github.fusespringboot.samples.seedbench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.MountManager;
import io.github.fusespringboot.mount.MountSpec;
import io.github.fusespringboot.mount.MountTable;
import ru.serce.jnrfuse.FuseFS;
import ru.serce.jnrfuse.examples.HelloFuse;

/**
 * Runs the scenario of go-fuse issue #506 (see ORIGIN.md) through a {@link MountManager}, or through
 * jnr-fuse's own {@code mount()}/{@code umount()} as a baseline, and reports one {@code RESULT} line.
 */
final class SeedBench {

    private static final String EXPECTED = HelloFuse.HELLO_STR;

    private static final String HELLO_NAME = HelloFuse.HELLO_PATH.substring(1);

    private final MountManager manager;

    private final BenchOptions options;

    private final PrintStream out;

    private final AtomicInteger nextCycle = new AtomicInteger();

    private final AtomicInteger done = new AtomicInteger();

    private final AtomicInteger failures = new AtomicInteger();

    private final AtomicLong firstFailurePrinted = new AtomicLong();

    private final long[] mountNanos;

    private final long[] unmountNanos;

    private final CyclePhases phases = new CyclePhases();

    SeedBench(MountManager manager, BenchOptions options, PrintStream out) {
        this.manager = manager;
        this.options = options;
        this.out = out;
        this.mountNanos = new long[options.cycles()];
        this.unmountNanos = new long[options.cycles()];
    }

    /** Runs the benchmark; returns the process exit status (0: no failure and no leak). */
    int run() throws Exception {
        BenchOptions o = this.options;
        Files.createDirectories(o.root());
        prepareRoot(o.root());
        this.out.printf("seed-bench: mode=%s cycles=%d workers=%d loop=%s fs=%s root=%s cores=%d host_mounts=%d%n",
                o.mode(), o.cycles(), o.workers(), o.multithreaded() ? "multi" : "single",
                o.fs().name().toLowerCase(Locale.ROOT).replace('_', '-'), o.root(),
                Runtime.getRuntime().availableProcessors(), o.hostMounts());
        if (o.jnrFuseBaseline() && o.fs() == BenchOptions.FsMode.FRESH_MANAGED) {
            throw new IllegalArgumentException("--baseline=jnr-fuse needs a jnr-fuse filesystem: use --fs=shared or fresh");
        }
        try (HostMounts hostMounts = HostMounts.add(o.root().resolve("host-mounts"), o.hostMounts(), this.out)) {
            return cycles();
        }
    }

    private int cycles() throws Exception {
        BenchOptions o = this.options;
        printMemory("start");
        int warmUp = Math.min(1000, o.cycles() / 10);
        CountDownLatch finished = new CountDownLatch(o.workers());
        CpuTime cpu = new CpuTime();
        long started = System.nanoTime();
        try (Watchdog watchdog = new Watchdog(o.workers(), o.watchdog(), o.root(), this.out)) {
            for (int w = 0; w < o.workers(); w++) {
                int worker = w;
                Thread thread = new Thread(() -> {
                    try {
                        work(worker, watchdog);
                    }
                    finally {
                        cpu.workerEnded();
                        finished.countDown();
                    }
                }, "seed-bench-worker-" + w);
                thread.setDaemon(true);
                thread.start();
            }
            boolean warmedUp = false;
            long lastProgress = System.nanoTime();
            int lastDone = 0;
            while (!finished.await(100, TimeUnit.MILLISECONDS)) {
                if (!warmedUp && this.done.get() >= warmUp && warmUp > 0) {
                    warmedUp = true;
                    printMemory("after-warm-up(" + warmUp + ")");
                }
                long now = System.nanoTime();
                if (now - lastProgress >= o.progressEvery().toNanos()) {
                    int d = this.done.get();
                    this.out.printf(Locale.ROOT, "progress: %d/%d cycles, %d failures, %.0f cycles/s now, %.0f overall%n",
                            d, o.cycles(), this.failures.get(), (d - lastDone) / ((now - lastProgress) / 1e9),
                            d / ((now - started) / 1e9));
                    lastProgress = now;
                    lastDone = d;
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        String cpuPerCycle = cpu.perCycle(this.done.get());
        printMemory("end");
        int leakedMounts = MountTable.read().fuseMountsUnder(o.root()).size();
        int leakedFds = fuseDescriptors();
        int leakedThreads = servingThreads();
        this.out.printf(Locale.ROOT,
                "RESULT mode=%s cycles=%d workers=%d failures=%d seconds=%.1f cycles_per_s=%.0f mount_p50_ms=%.2f "
                        + "mount_p99_ms=%.2f unmount_p50_ms=%.2f unmount_p99_ms=%.2f leaked_mounts=%d leaked_fds=%d "
                        + "leaked_threads=%d host_mounts=%d%n",
                o.mode(), this.done.get(), o.workers(), this.failures.get(), seconds, this.done.get() / seconds,
                percentile(this.mountNanos, 50), percentile(this.mountNanos, 99), percentile(this.unmountNanos, 50),
                percentile(this.unmountNanos, 99), leakedMounts, leakedFds, leakedThreads, o.hostMounts());
        this.out.println("CPU us per cycle: " + cpuPerCycle);
        if (!o.jnrFuseBaseline()) {
            this.out.println("PHASES wall us per cycle: " + this.phases.perCycle(this.done.get()));
        }
        boolean clean = this.failures.get() == 0 && leakedMounts == 0 && leakedFds == 0 && leakedThreads == 0
                && this.done.get() == o.cycles();
        return clean ? 0 : 1;
    }

    private void work(int worker, Watchdog watchdog) {
        // jnr-fuse's own mount() (the baseline) needs its FuseStubFS; the starter serves either
        FuseFS shared = (this.options.fs() != BenchOptions.FsMode.SHARED) ? null
                : this.options.jnrFuseBaseline() ? new HelloFuse() : new ManagedHello();
        int cycle;
        while ((cycle = this.nextCycle.getAndIncrement()) < this.options.cycles()) {
            watchdog.cycleStarted(worker);
            FuseFS fs = (shared != null) ? shared
                    : (this.options.fs() == BenchOptions.FsMode.FRESH_MANAGED) ? new ManagedHello() : new HelloFuse();
            Path dir = this.options.root().resolve("w" + worker + "-" + cycle);
            try {
                if (this.options.jnrFuseBaseline()) {
                    jnrFuseCycle(cycle, fs, dir);
                }
                else {
                    starterCycle(worker, cycle, fs, dir);
                }
            }
            catch (Exception | AssertionError ex) {
                this.failures.incrementAndGet();
                if (this.firstFailurePrinted.getAndIncrement() < 10) {
                    this.out.println("FAILURE in cycle " + cycle + " (" + dir + "): " + ex);
                }
                this.manager.find("w" + worker).ifPresent(FuseMount::unmount);
                deleteQuietly(dir);
            }
            this.done.incrementAndGet();
            watchdog.cycleEnded(worker);
        }
    }

    private void starterCycle(int worker, int cycle, FuseFS fs, Path dir) throws IOException {
        long start = System.nanoTime();
        Files.createDirectory(dir);
        long t0 = System.nanoTime();
        FuseMount mount = this.manager.mount(MountSpec.builder("w" + worker, dir, fs)
            .multithreaded(this.options.multithreaded())
            .build());
        long t1 = System.nanoTime();
        String content = readHello(dir);
        if (!EXPECTED.equals(content)) {
            mount.unmount();
            throw new AssertionError("read '" + content + "' instead of '" + EXPECTED + "'");
        }
        long t2 = System.nanoTime();
        mount.unmount();
        long t3 = System.nanoTime();
        Files.delete(dir);
        this.phases.add(start, t0, t1, t2, t3, System.nanoTime());
        this.mountNanos[cycle] = t1 - t0;
        this.unmountNanos[cycle] = t3 - t2;
    }

    /** The same cycle through jnr-fuse's own mount() (fuse_main_real, then a fixed 2 s wait) and umount(). */
    private void jnrFuseCycle(int cycle, FuseFS fs, Path dir) throws IOException {
        Files.createDirectory(dir);
        long t0 = System.nanoTime();
        fs.mount(dir, false, false, new String[0]);
        long t1 = System.nanoTime();
        String content;
        try {
            content = readHello(dir);
        }
        finally {
            long t2 = System.nanoTime();
            fs.umount();
            awaitUnmounted(dir);
            this.unmountNanos[cycle] = System.nanoTime() - t2;
        }
        Files.delete(dir);
        this.mountNanos[cycle] = t1 - t0;
        if (!EXPECTED.equals(content)) {
            throw new AssertionError("read '" + content + "' instead of '" + EXPECTED + "'");
        }
    }

    /**
     * Reads /hello as the C cycle does: one open, one read into a small buffer, one close
     * ({@code Files.readString} also stats the file and reads once more to see its end).
     */
    private static String readHello(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir.resolve(HELLO_NAME))) {
            ByteBuffer buffer = ByteBuffer.allocate(64);
            channel.read(buffer);
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
        }
    }

    /** Refuses a root with FUSE mounts on it; removes the empty cycle directories a killed run left. */
    private static void prepareRoot(Path root) throws IOException {
        List<MountTable.Entry> mounted = MountTable.read().fuseMountsUnder(root);
        if (!mounted.isEmpty()) {
            throw new IllegalStateException(mounted.size() + " FUSE mount(s) are left under " + root
                    + " (from a killed run?); clean them with scripts/fuse-cleanup " + root);
        }
        try (Stream<Path> entries = Files.list(root)) {
            for (Path entry : entries.toList()) {
                if (entry.getFileName().toString().matches("w[0-9]+-[0-9]+") && Files.isDirectory(entry)) {
                    Files.delete(entry);
                }
            }
        }
    }

    /** jnr-fuse's umount() starts {@code fusermount -u -z} and returns without waiting for it. */
    private static void awaitUnmounted(Path dir) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (MountTable.read().find(dir).isPresent()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(dir + " was still mounted 10 s after jnr-fuse's umount()");
            }
            Thread.onSpinWait();
        }
    }

    private void printMemory(String phase) {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        long metaspace = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getName().equals("Metaspace")) {
                metaspace = pool.getUsage().getUsed();
            }
        }
        this.out.printf(Locale.ROOT,
                "MEMORY phase=%s heap_used_mb=%.1f heap_committed_mb=%.1f metaspace_mb=%.1f loaded_classes=%d "
                        + "rss_mb=%.1f threads=%d%n",
                phase, (runtime.totalMemory() - runtime.freeMemory()) / 1048576.0, runtime.totalMemory() / 1048576.0,
                metaspace / 1048576.0,
                ManagementFactory.getClassLoadingMXBean().getLoadedClassCount(), rssKb() / 1024.0,
                Thread.activeCount());
    }

    private static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        }
        catch (IOException ex) {
            // not on Linux
        }
        return -1;
    }

    private static int fuseDescriptors() throws IOException {
        int count = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(fd).toString().equals("/dev/fuse")) {
                        count++;
                    }
                }
                catch (IOException ex) {
                    // closed meanwhile
                }
            }
        }
        return count;
    }

    /** Threads still serving a mount (ours: fuse:*; jnr-fuse's: jnr-fuse-mount-thread), after a bounded wait. */
    private static int servingThreads() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<String> serving;
        do {
            serving = new ArrayList<>();
            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                if (thread.isAlive() && (thread.getName().startsWith("fuse:")
                        || thread.getName().equals("jnr-fuse-mount-thread"))) {
                    serving.add(thread.getName());
                }
            }
            if (!serving.isEmpty()) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
        while (!serving.isEmpty() && System.nanoTime() < deadline);
        return serving.size();
    }

    private static double percentile(long[] nanos, int percent) {
        long[] recorded = Arrays.stream(nanos).filter((n) -> n > 0).sorted().toArray();
        if (recorded.length == 0) {
            return 0;
        }
        int index = (int) Math.min(recorded.length - 1, Math.ceil(percent / 100.0 * recorded.length) - 1);
        return recorded[Math.max(index, 0)] / 1e6;
    }

    private static void deleteQuietly(Path dir) {
        try {
            Files.deleteIfExists(dir);
        }
        catch (IOException ex) {
            // left for the clean-up
        }
    }

}
