// The program ClosedStdioChildJvmTest starts with descriptors 0, 1 and 2 closed.
package io.github.fusespringboot.mount;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import io.github.fusespringboot.mount.natives.Native;
import org.slf4j.LoggerFactory;

/**
 * Runs in a JVM whose descriptors 0, 1 and 2 were closed by {@code sh -c 'exec java ... <&- >&- 2>&-'}
 * (issue 3 section 5, issue 4 section 2). It reserves the low descriptors, runs the founding scenario
 * with 8 workers, starts child processes while filesystems are mounted, and samples
 * {@code /proc/self/fd} all along to prove that no {@code /dev/fuse} descriptor ever sat on 0..3.
 *
 * <p>
 * Arguments: result file, mount root, workers, cycles, loop mode ({@code multithreaded} or
 * {@code single}). Standard output and error are closed, so everything goes to the result file as
 * {@code key=value} lines; the exit status is 0 when every check passed, 1 when one failed, 2 when
 * the program itself failed.
 */
public final class ClosedStdioChild {

    /** Every how many cycles a worker starts a child process while its filesystem is mounted. */
    static final int SPAWN_EVERY = 25;

    private ClosedStdioChild() {
    }

    public static void main(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        int status = 2;
        try {
            // before anything else: what the JVM itself put on 0..3 (readlink opens no descriptor)
            for (int fd = 0; fd <= 3; fd++) {
                out.put("initial.fd" + fd, describe(fd));
            }
            status = run(args, out) ? 0 : 1;
        }
        catch (Throwable ex) {
            StringWriter trace = new StringWriter();
            ex.printStackTrace(new PrintWriter(trace));
            out.put("error", trace.toString().replace('\n', '|'));
        }
        out.put("status", Integer.toString(status));
        try {
            Path result = Path.of(args[0]);
            Path partial = result.resolveSibling(result.getFileName() + ".partial");
            StringBuilder text = new StringBuilder();
            out.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
            Files.writeString(partial, text, StandardCharsets.UTF_8);
            Files.move(partial, result, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (Throwable ex) {
            status = 3;
        }
        System.exit(status);
    }

    private static boolean run(String[] args, Map<String, String> out) throws Exception {
        Path root = Path.of(args[1]);
        int workers = Integer.parseInt(args[2]);
        int cycles = Integer.parseInt(args[3]);
        boolean multithreaded = args[4].equals("multithreaded");

        // Load what reserve() needs first (jars, logging, libc), so that the snapshot just before the
        // call is what reserve() finds: class loading itself opens files on the lowest free numbers.
        LoggerFactory.getLogger(ClosedStdioChild.class);
        Native.isAvailable();
        Class.forName(FileDescriptorReservation.class.getName(), true, ClosedStdioChild.class.getClassLoader());
        // What a JVM started without 0, 1 and 2 really has there by now: the JVM's own files. It opens
        // lib/modules on 0; the JDK "closes" a stream on 0..2 by dup2-ing /dev/null onto it
        // (io_util_md.c), which fills 1 after the main class is read; jars land on 2 and 3. So that
        // reserve() has something to reopen, hand back those /dev/null placeholders (nobody else uses
        // them; System.out/err write to /dev/null either way).
        List<Integer> handedBack = new ArrayList<>();
        for (int fd = 0; fd <= 2; fd++) {
            out.put("beforeHandBack.fd" + fd, describe(fd));
            if (describe(fd).equals("/dev/null")) {
                Native.close(fd);
                handedBack.add(fd);
            }
        }
        out.put("handedBack", handedBack.toString());
        List<Integer> closedBefore = new ArrayList<>();
        for (int fd = 0; fd <= 3; fd++) {
            // looked at once: the JVM opens files of its own now and then, each on the lowest free number
            String state = describe(fd);
            out.put("beforeReserve.fd" + fd, state);
            if (state.equals("closed")) {
                closedBefore.add(fd);
            }
        }
        out.put("closedBeforeReserve", closedBefore.toString());
        List<Integer> reserved = FileDescriptorReservation.reserve();
        out.put("reserved", reserved.toString());
        out.put("reservedAgain", FileDescriptorReservation.reserve().toString());
        boolean allOpen = true;
        for (int fd = 0; fd <= 3; fd++) {
            out.put("afterReserve.fd" + fd, describe(fd));
            allOpen &= !describe(fd).equals("closed");
        }
        out.put("lowDescriptorsOpenAfterReserve", Boolean.toString(allOpen));

        Sampler sampler = new Sampler();
        Thread samplerThread = new Thread(sampler, "fd-sampler");
        samplerThread.setDaemon(true);
        samplerThread.start();

        AtomicInteger spawns = new AtomicInteger();
        ConcurrentLinkedQueue<String> spawnProblems = new ConcurrentLinkedQueue<>();
        FoundingScenario.Result result;
        List<String> leaks;
        try (MountManager manager = new MountManager()) {
            result = new FoundingScenario(manager, root, workers, cycles, multithreaded, Duration.ofSeconds(10))
                .whileMounted((worker, cycle, mount) -> {
                    if (cycle % SPAWN_EVERY == 0) {
                        spawn(mount, root.resolve("spawn-" + cycle + ".txt"), spawns, spawnProblems);
                    }
                })
                .run();
        }
        finally {
            sampler.stop.set(true);
            samplerThread.join(10_000);
        }
        leaks = FuseTestExtension.leaks(root);

        out.put("cycles", Integer.toString(result.cycles()));
        out.put("failures", Integer.toString(result.failures()));
        out.put("failureMessages", String.join(" | ", result.failureMessages()));
        out.put("seconds", String.format("%.2f", result.seconds()));
        out.put("cyclesPerSecond", String.format("%.0f", result.cyclesPerSecond()));
        out.put("spawns", Integer.toString(spawns.get()));
        out.put("spawnProblems", String.join(" | ", spawnProblems));
        out.put("samples", Long.toString(sampler.samples.get()));
        out.put("listings", Long.toString(sampler.listings.get()));
        out.put("fuseOnLowDescriptors", Long.toString(sampler.fuseOnLow.get()));
        out.put("lowDescriptorClosedSamples", Long.toString(sampler.lowClosed.get()));
        out.put("maxFuseDescriptors", Integer.toString(sampler.maxFuse.get()));
        out.put("lowestFuseDescriptor", Integer.toString(sampler.lowestFuse.get()));
        out.put("leaks", leaks.toString());
        // what reserve() took was free before it: closed in the snapshot, or handed back just above (a
        // file the JVM opened for a moment may have sat on it while the snapshot was taken)
        List<Integer> free = new ArrayList<>(closedBefore);
        free.addAll(handedBack);
        return allOpen && free.containsAll(reserved) && reserved.containsAll(closedBefore) && !reserved.isEmpty()
                && result.failures() == 0 && result.cycles() == cycles
                && spawnProblems.isEmpty() && spawns.get() > 0 && sampler.fuseOnLow.get() == 0
                && sampler.lowClosed.get() == 0 && sampler.maxFuse.get() > 0
                && sampler.lowestFuse.get() >= Native.LOWEST_FUSE_FD && leaks.isEmpty();
    }

    /**
     * Starts {@code ls -l /proc/self/fd} while a filesystem is mounted, with this process's 0 and 2
     * inherited (so it would show a FUSE descriptor sitting there) and its output in a file; checks
     * the child saw no {@code /dev/fuse} and the mount still answers afterwards.
     */
    private static void spawn(FuseMount mount, Path output, AtomicInteger spawns, ConcurrentLinkedQueue<String> problems)
            throws IOException {
        Process process = new ProcessBuilder("ls", "-l", "/proc/self/fd")
            .redirectInput(ProcessBuilder.Redirect.INHERIT)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .redirectOutput(output.toFile())
            .start();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                problems.add("ls did not end within 10 s while " + mount.name() + " was mounted");
                return;
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            problems.add("interrupted");
            return;
        }
        String listing = Files.readString(output);
        Files.delete(output);
        spawns.incrementAndGet();
        if (process.exitValue() != 0 || !listing.contains(" 1 -> ")) {
            problems.add("ls exited " + process.exitValue() + " with: " + listing.replace('\n', '|'));
        }
        if (listing.contains("/dev/fuse")) {
            problems.add("a child process inherited a FUSE descriptor: " + listing.replace('\n', '|'));
        }
        String content = Files.readString(mount.mountPoint().resolve("hello"));
        if (!FoundingScenario.HELLO_CONTENT.equals(content)) {
            problems.add("after the spawn " + mount.name() + " answered '" + content + "'");
        }
    }

    /** What descriptor {@code fd} of this process points at, or {@code closed}. */
    static String describe(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        }
        catch (IOException ex) {
            return "closed";
        }
    }

    /** Samples 0..3 continuously, and the whole descriptor table now and then. */
    private static final class Sampler implements Runnable {

        final AtomicBoolean stop = new AtomicBoolean();

        final AtomicLong samples = new AtomicLong();

        final AtomicLong listings = new AtomicLong();

        final AtomicLong fuseOnLow = new AtomicLong();

        final AtomicLong lowClosed = new AtomicLong();

        final AtomicInteger maxFuse = new AtomicInteger();

        final AtomicInteger lowestFuse = new AtomicInteger(Integer.MAX_VALUE);

        @Override
        public void run() {
            while (!this.stop.get()) {
                for (int fd = 0; fd <= 3; fd++) {
                    String target = describe(fd);
                    if (target.equals("/dev/fuse")) {
                        this.fuseOnLow.incrementAndGet();
                    }
                    else if (target.equals("closed")) {
                        this.lowClosed.incrementAndGet();
                    }
                }
                if (this.samples.incrementAndGet() % 10 == 0) {
                    listFuseDescriptors();
                }
                LockSupport.parkNanos(200_000);
            }
        }

        private void listFuseDescriptors() {
            int count = 0;
            try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
                for (Path entry : (Iterable<Path>) entries::iterator) {
                    int fd = Integer.parseInt(entry.getFileName().toString());
                    if (describe(fd).equals("/dev/fuse")) {
                        count++;
                        int lowest = fd;
                        this.lowestFuse.accumulateAndGet(lowest, Math::min);
                        if (fd <= 3) {
                            this.fuseOnLow.incrementAndGet();
                        }
                    }
                }
            }
            catch (IOException | RuntimeException ex) {
                return;
            }
            this.listings.incrementAndGet();
            int seen = count;
            this.maxFuse.accumulateAndGet(seen, Math::max);
        }

    }

}
