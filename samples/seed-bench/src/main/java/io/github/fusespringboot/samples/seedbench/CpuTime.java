// CPU time spent during the cycles, from /proc: the whole process, and by kind of thread.
package io.github.fusespringboot.samples.seedbench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * On a shared, noisy machine cycles per second swing with the neighbours' load, CPU time per cycle
 * much less: this reads {@code /proc/self/stat} when the cycles start and end, and, at the end, every
 * remaining thread's time by kind (the JIT compilers, GC, the engine's serving threads); the workers
 * add their own time as they end ({@link #workerEnded()}), since they are gone by then. Clock ticks
 * of 10 ms, so the figures are meaningful over thousands of cycles. Linux only; zeros elsewhere.
 */
final class CpuTime {

    private static final double MICROS_PER_TICK = 10_000;

    private final long[] started = self();

    private final Map<String, long[]> startedByKind = byKind();

    private final AtomicLong workersUser = new AtomicLong();

    private final AtomicLong workersSystem = new AtomicLong();

    /** Called by each worker thread as its last act. */
    void workerEnded() {
        long[] ticks = ticks(Path.of("/proc/thread-self/stat"));
        this.workersUser.addAndGet(ticks[0]);
        this.workersSystem.addAndGet(ticks[1]);
    }

    /**
     * {@code total=.. user=.. sys=.. workers=.. serving=.. jit=.. gc=.. other=..}: microseconds of CPU
     * per cycle since this object was made ({@code serving}: threads named {@code fuse*}).
     */
    String perCycle(int cycles) {
        long[] now = self();
        Map<String, long[]> kinds = byKind();
        long user = now[0] - this.started[0];
        long system = now[1] - this.started[1];
        long workers = this.workersUser.get() + this.workersSystem.get();
        long serving = since(kinds, "serving");
        long jit = since(kinds, "jit");
        long gc = since(kinds, "gc");
        long other = user + system - workers - serving - jit - gc;
        double n = Math.max(cycles, 1);
        return String.format(Locale.ROOT,
                "total=%.0f user=%.0f sys=%.0f workers=%.0f (user %.0f) serving=%.0f jit=%.0f gc=%.0f other=%.0f",
                (user + system) * MICROS_PER_TICK / n, user * MICROS_PER_TICK / n, system * MICROS_PER_TICK / n,
                workers * MICROS_PER_TICK / n, this.workersUser.get() * MICROS_PER_TICK / n,
                serving * MICROS_PER_TICK / n, jit * MICROS_PER_TICK / n, gc * MICROS_PER_TICK / n,
                other * MICROS_PER_TICK / n);
    }

    /** CPU ticks of the threads alive now, by kind. */
    private static Map<String, long[]> byKind() {
        Map<String, long[]> kinds = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                long[] ticks = ticks(task.resolve("stat"));
                long[] sum = kinds.computeIfAbsent(kind(readQuietly(task.resolve("comm")).trim()), (k) -> new long[2]);
                sum[0] += ticks[0];
                sum[1] += ticks[1];
            }
        }
        catch (IOException ex) {
            // not Linux: nothing
        }
        return kinds;
    }

    private long since(Map<String, long[]> now, String kind) {
        return Math.max(0, sum(now.get(kind)) - sum(this.startedByKind.get(kind)));
    }

    private static String kind(String threadName) {
        if (threadName.startsWith("fuse")) {
            return "serving";
        }
        if (threadName.startsWith("C1 Compiler") || threadName.startsWith("C2 Compiler")) {
            return "jit";
        }
        if (threadName.startsWith("GC ") || threadName.startsWith("G1 ")) {
            return "gc";
        }
        return "other";
    }

    private static long sum(long[] ticks) {
        return (ticks == null) ? 0 : ticks[0] + ticks[1];
    }

    private static long[] self() {
        return ticks(Path.of("/proc/self/stat"));
    }

    /** utime and stime (fields 14 and 15) of a stat file, in clock ticks; zeros when unreadable. */
    private static long[] ticks(Path stat) {
        String text = readQuietly(stat);
        int end = text.lastIndexOf(')');
        if (end < 0) {
            return new long[2];
        }
        String[] fields = text.substring(end + 2).split(" ");
        return new long[] { Long.parseLong(fields[11]), Long.parseLong(fields[12]) };
    }

    private static String readQuietly(Path path) {
        try {
            return Files.readString(path);
        }
        catch (IOException ex) {
            return "";
        }
    }

}
