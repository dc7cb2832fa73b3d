// The idle-cost benchmark: what many mounted, unused filesystems cost in time, threads and memory.
package io.github.fusespringboot.samples.seedbench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.MountManager;
import io.github.fusespringboot.mount.MountSpec;
import io.github.fusespringboot.mount.MountTable;
import ru.serce.jnrfuse.examples.HelloFuse;

/**
 * Mounts {@code --mounts=N} hello filesystems (one {@link ManagedHello} each) one after another, reads
 * the first and the last once, and reports the time to mount them all, the threads serving them
 * (JVM threads named with {@code --thread-prefix}, {@code fuse:} by default), all JVM and OS threads,
 * and resident memory and heap per mount (after a GC, against the same figures before mounting). Then
 * unmounts everything, also on failure. Run it with a fixed, pre-touched heap
 * ({@code -Xms256m -Xmx256m -XX:+AlwaysPreTouch}) so that RSS growth is the mounts' native cost.
 */
final class IdleBench {

    private final MountManager manager;

    private final BenchOptions options;

    private final ScenarioArguments args;

    private final PrintStream out;

    IdleBench(MountManager manager, BenchOptions options, ScenarioArguments args, PrintStream out) {
        this.manager = manager;
        this.options = options;
        this.args = args;
        this.out = out;
    }

    int run() throws Exception {
        int count = (int) this.args.positive("mounts", 1000);
        String prefix = this.args.text("thread-prefix", "fuse:");
        Path base = Files.createDirectories(this.options.root()).resolve("idle");
        if (!MountTable.read().fuseMountsUnder(base).isEmpty()) {
            throw new IllegalStateException("FUSE mounts are left under " + base
                    + " (from a killed run?); clean them with scripts/fuse-cleanup " + base);
        }
        List<Path> dirs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            dirs.add(Files.createDirectories(base.resolve("m" + i)));
        }
        Snapshot before = Snapshot.take(prefix);
        List<FuseMount> mounts = new ArrayList<>();
        boolean served = false;
        Snapshot after = null;
        double mountSeconds = 0;
        double unmountSeconds;
        try {
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                mounts.add(this.manager.mount(MountSpec.builder("idle-" + i, dirs.get(i), new ManagedHello())
                    .multithreaded(this.options.multithreaded())
                    .build()));
            }
            mountSeconds = (System.nanoTime() - t0) / 1e9;
            served = HelloFuse.HELLO_STR.equals(readHello(dirs.get(0)))
                    && HelloFuse.HELLO_STR.equals(readHello(dirs.get(count - 1)));
            after = Snapshot.take(prefix);
        }
        finally {
            long t0 = System.nanoTime();
            for (FuseMount mount : mounts) {
                try {
                    mount.unmount();
                }
                catch (RuntimeException ex) {
                    this.out.println("FAILURE unmounting " + mount.spec().mountPoint() + ": " + ex);
                }
            }
            unmountSeconds = (System.nanoTime() - t0) / 1e9;
            deleteQuietly(dirs, base);
        }
        int leaked = MountTable.read().fuseMountsUnder(base).size();
        double rssPerMount = (after.rssKb() - before.rssKb()) / (double) count;
        double heapPerMount = (after.heapKb() - before.heapKb()) / (double) count;
        this.out.printf(Locale.ROOT,
                "RESULT scenario=idle loop=%s mounts=%d mount_seconds=%.3f mounts_per_s=%.0f "
                        + "serving_threads=%d jvm_threads=%d jvm_threads_before=%d os_threads=%d "
                        + "rss_kb_before=%d rss_kb_after=%d rss_kb_per_mount=%.1f heap_kb_per_mount=%.1f "
                        + "unmount_seconds=%.3f served=%s leaked_mounts=%d%n",
                this.options.multithreaded() ? "multi" : "single", count, mountSeconds,
                count / mountSeconds, after.serving(), after.jvmThreads(), before.jvmThreads(), after.osThreads(),
                before.rssKb(), after.rssKb(), rssPerMount, heapPerMount, unmountSeconds, served, leaked);
        this.out.printf(Locale.ROOT,
                "GOAL scenario=idle serving_threads<=32:%s rss_kb_per_mount<=64:%s mount_seconds_for_1000<1:%s%n",
                after.serving() <= 32 ? "met" : "missed", rssPerMount <= 64 ? "met" : "missed",
                mountSeconds / count * 1000 < 1 ? "met" : "missed");
        return (served && leaked == 0 && mounts.size() == count) ? 0 : 1;
    }

    /** Removes the mount points; one still mounted (a failed unmount) stays, for scripts/fuse-cleanup. */
    private static void deleteQuietly(List<Path> dirs, Path base) {
        for (Path dir : dirs) {
            try {
                Files.deleteIfExists(dir);
            }
            catch (IOException ex) {
                // still mounted: reported as leaked_mounts
            }
        }
        try {
            Files.deleteIfExists(base);
        }
        catch (IOException ex) {
            // not empty: see above
        }
    }

    private static String readHello(Path dir) throws IOException {
        return Files.readString(dir.resolve(HelloFuse.HELLO_PATH.substring(1)));
    }

    /** Threads and memory at one moment, after a GC. */
    record Snapshot(int serving, int jvmThreads, int osThreads, long rssKb, long heapKb) {

        static Snapshot take(String prefix) throws IOException {
            System.gc();
            Runtime runtime = Runtime.getRuntime();
            long heapKb = (runtime.totalMemory() - runtime.freeMemory()) / 1024;
            int serving = (int) Thread.getAllStackTraces().keySet().stream()
                .filter((t) -> t.isAlive() && t.getName().startsWith(prefix))
                .count();
            int osThreads;
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                osThreads = (int) tasks.count();
            }
            return new Snapshot(serving, ManagementFactory.getThreadMXBean().getThreadCount(), osThreads, readRssKb(),
                    heapKb);
        }

        private static long readRssKb() throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return -1;
        }

    }

}
