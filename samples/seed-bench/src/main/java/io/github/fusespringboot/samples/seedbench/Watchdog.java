// Ends a stuck benchmark: thread dump, stuck mounts and their kernel stacks, connection abort, exit.
package io.github.fusespringboot.samples.seedbench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Stream;

import io.github.fusespringboot.mount.FuseConnections;
import io.github.fusespringboot.mount.MountTable;

/**
 * Watches every worker's current cycle. When one has run longer than the bound, it prints every Java
 * thread's stack, the FUSE mounts under the root with the kernel stack of every task of this process,
 * aborts those FUSE connections (which frees anything stuck in the kernel waiting on them), and exits
 * with status 3, instead of letting the benchmark hang.
 */
final class Watchdog implements AutoCloseable {

    static final int EXIT_STUCK = 3;

    private final AtomicLongArray cycleStarted;

    private final Duration bound;

    private final Path root;

    private final PrintStream out;

    private final Thread thread;

    private volatile boolean running = true;

    Watchdog(int workers, Duration bound, Path root, PrintStream out) {
        this.cycleStarted = new AtomicLongArray(workers);
        this.bound = bound;
        this.root = root;
        this.out = out;
        this.thread = new Thread(this::watch, "seed-bench-watchdog");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    void cycleStarted(int worker) {
        this.cycleStarted.set(worker, System.nanoTime());
    }

    void cycleEnded(int worker) {
        this.cycleStarted.set(worker, 0);
    }

    private void watch() {
        long boundNanos = this.bound.toNanos();
        long pollMillis = Math.max(10, Math.min(1000, this.bound.toMillis() / 10));
        while (this.running) {
            try {
                Thread.sleep(pollMillis);
            }
            catch (InterruptedException ex) {
                return;
            }
            long now = System.nanoTime();
            for (int worker = 0; worker < this.cycleStarted.length(); worker++) {
                long started = this.cycleStarted.get(worker);
                if (started != 0 && now - started > boundNanos) {
                    report(worker, Duration.ofNanos(now - started));
                    Runtime.getRuntime().halt(EXIT_STUCK);
                }
            }
        }
    }

    private void report(int worker, Duration stuckFor) {
        this.out.printf("WATCHDOG worker %d has been in one cycle for %d ms (bound %d ms)%n", worker,
                stuckFor.toMillis(), this.bound.toMillis());
        this.out.println("WATCHDOG Java threads:");
        for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
            this.out.print(info);
        }
        this.out.println("WATCHDOG FUSE mounts under " + this.root + ":");
        for (MountTable.Entry entry : MountTable.read().fuseMountsUnder(this.root)) {
            this.out.printf("  %s (%s, connection %d, waiting %s)%n", entry.mountPoint(), entry.source(),
                    entry.connectionId(), FuseConnections.waiting(entry.connectionId()));
        }
        this.out.println("WATCHDOG kernel stacks of this process's tasks:");
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                String name = readQuietly(task.resolve("comm")).trim();
                this.out.printf("  task %s (%s):%n", task.getFileName(), name);
                for (String line : readQuietly(task.resolve("stack")).split("\n")) {
                    if (!line.isBlank()) {
                        this.out.println("    " + line);
                    }
                }
            }
        }
        catch (IOException ex) {
            this.out.println("  (cannot list tasks: " + ex + ")");
        }
        for (MountTable.Entry entry : MountTable.read().fuseMountsUnder(this.root)) {
            boolean aborted = FuseConnections.abort(entry.connectionId());
            this.out.printf("WATCHDOG %s FUSE connection %d of %s%n", aborted ? "aborted" : "could not abort",
                    entry.connectionId(), entry.mountPoint());
        }
        this.out.flush();
    }

    private static String readQuietly(Path path) {
        try {
            return Files.readString(path);
        }
        catch (IOException ex) {
            return "(unreadable: " + ex.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        this.running = false;
        this.thread.interrupt();
    }

}
