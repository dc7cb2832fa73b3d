// The founding scenario (go-fuse #506) at test size: workers that mount, read, unmount, remove; bounded.
package io.github.fusespringboot.mount;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

import ru.serce.jnrfuse.FuseFS;
import ru.serce.jnrfuse.examples.HelloFuse;

/**
 * Runs the cycle of ORIGIN.md on {@code workers} threads: create a fresh directory, mount a hello
 * filesystem there (one instance per worker, reused), read its file through the kernel and check the
 * content, unmount, delete the directory.
 *
 * <p>
 * Nothing here can block for ever: a watchdog (the calling thread) gives every cycle a bound; when a
 * cycle overruns it, the watchdog records where the worker is stuck, aborts every FUSE connection
 * under the root (which fails whatever waits on them, in the kernel too) and stops the run.
 */
final class FoundingScenario {

    static final String HELLO_CONTENT = "Hello World!";

    private final MountManager manager;

    private final Path root;

    private final int workers;

    private final int cycles;

    private final boolean multithreaded;

    private final Duration cycleBound;

    private Supplier<FuseFS> filesystems = HelloFuse::new;

    private WhileMounted whileMounted = (worker, cycle, mount) -> {
    };

    FoundingScenario(MountManager manager, Path root, int workers, int cycles, boolean multithreaded,
            Duration cycleBound) {
        this.manager = manager;
        this.root = root;
        this.workers = workers;
        this.cycles = cycles;
        this.multithreaded = multithreaded;
        this.cycleBound = cycleBound;
    }

    /** Something to do in a cycle after the file was read and before the unmount. */
    FoundingScenario whileMounted(WhileMounted action) {
        this.whileMounted = action;
        return this;
    }

    /** Where each worker's filesystem comes from (default: a new HelloFuse per worker). */
    FoundingScenario filesystems(Supplier<FuseFS> supplier) {
        this.filesystems = supplier;
        return this;
    }

    /** Runs every cycle (each worker takes the next cycle number until all are taken). */
    Result run() throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        List<String> failureMessages = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        // per worker: when its current cycle started (0 = between cycles), and in which step it is
        AtomicLongArray cycleStarted = new AtomicLongArray(this.workers);
        AtomicReferenceArray<String> step = new AtomicReferenceArray<>(this.workers);
        Thread[] threads = new Thread[this.workers];
        long started = System.nanoTime();
        for (int w = 0; w < this.workers; w++) {
            int worker = w;
            FuseFS filesystem = this.filesystems.get(); // one per worker, reused for each of its cycles
            threads[w] = new Thread(() -> {
                int cycle;
                while (!stop.get() && (cycle = next.getAndIncrement()) < this.cycles) {
                    cycleStarted.set(worker, System.nanoTime());
                    try {
                        cycle(worker, cycle, filesystem, step);
                        done.incrementAndGet();
                    }
                    catch (Throwable ex) {
                        failures.incrementAndGet();
                        if (failureMessages.size() < 20) {
                            failureMessages.add("worker " + worker + " cycle " + cycle + " while " + step.get(worker)
                                    + ": " + ex);
                        }
                    }
                    finally {
                        cycleStarted.set(worker, 0);
                    }
                }
            }, "scenario-worker-" + w);
            threads[w].setDaemon(true);
            threads[w].start();
        }
        String stuck = watch(threads, cycleStarted, step);
        if (stuck != null) {
            stop.set(true);
            failureMessages.add(0, stuck);
            failures.incrementAndGet();
            abortEverythingUnder(this.root);
            for (Thread thread : threads) {
                thread.join(5_000);
                if (thread.isAlive()) {
                    failureMessages.add(thread.getName() + " still stuck after the abort: "
                            + Arrays.toString(thread.getStackTrace()));
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Result(done.get(), failures.get(), List.copyOf(failureMessages), seconds);
    }

    private void cycle(int worker, int cycle, FuseFS filesystem, AtomicReferenceArray<String> step)
            throws IOException {
        String name = "w" + worker + "-c" + cycle;
        Path dir = this.root.resolve(name);
        step.set(worker, "creating " + dir);
        Files.createDirectory(dir);
        step.set(worker, "mounting " + name);
        FuseMount mount = this.manager.mount(MountSpec.builder(name, dir, filesystem)
            .multithreaded(this.multithreaded)
            .mountTimeout(this.cycleBound)
            .unmountTimeout(this.cycleBound)
            .build());
        try {
            step.set(worker, "reading " + dir.resolve("hello"));
            String content = Files.readString(dir.resolve("hello"));
            if (!HELLO_CONTENT.equals(content)) {
                throw new IllegalStateException("read '" + content + "' from " + dir + "/hello");
            }
            step.set(worker, "working while " + name + " is mounted");
            this.whileMounted.run(worker, cycle, mount);
        }
        finally {
            step.set(worker, "unmounting " + name);
            mount.unmount();
        }
        if (mount.state() != MountState.UNMOUNTED) {
            throw new IllegalStateException(name + " ended " + mount.state());
        }
        step.set(worker, "deleting " + dir);
        Files.delete(dir);
    }

    /** Returns when every worker has ended, or a description of the first cycle that overran its bound. */
    private String watch(Thread[] threads, AtomicLongArray cycleStarted, AtomicReferenceArray<String> step)
            throws InterruptedException {
        // a cycle may take its mount and its unmount bound, plus the unmount's abort grace
        long bound = this.cycleBound.toNanos() * 2 + FuseMount.ABORT_GRACE.toNanos();
        while (true) {
            boolean alive = false;
            for (int w = 0; w < threads.length; w++) {
                threads[w].join(threads[w].isAlive() ? 20 : 0);
                alive |= threads[w].isAlive();
                long since = cycleStarted.get(w);
                if (since != 0 && System.nanoTime() - since > bound) {
                    return threads[w].getName() + " stuck for more than " + Duration.ofNanos(bound) + " while "
                            + step.get(w) + " at " + Arrays.toString(threads[w].getStackTrace());
                }
            }
            if (!alive) {
                return null;
            }
        }
    }

    /** Aborts (fusectl) and detaches every FUSE mount under root: the last resort of a stuck run. */
    static void abortEverythingUnder(Path root) {
        FuseTestExtension.cleanUp(root);
    }

    /** What a run did. */
    record Result(int cycles, int failures, List<String> failureMessages, double seconds) {

        double cyclesPerSecond() {
            return this.cycles / this.seconds;
        }

    }

    /** An action inside a cycle, while the mount is up. */
    @FunctionalInterface
    interface WhileMounted {

        void run(int worker, int cycle, FuseMount mount) throws IOException;

    }

}
