// What a test left of FUSE behind: mounts under its directory, /dev/fuse descriptors, serving threads.
package io.github.fusespringboot.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import io.github.fusespringboot.mount.ForcedUnmount;
import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.MountTable;

/**
 * A check against a {@link Baseline} taken before the test: descriptors and threads that existed
 * before (a Spring context cached by another test class, say) are not the test's. Mounts are looked
 * for only under the test's own directory, read from {@code /proc/self/mountinfo} (never by touching
 * the mount, which may not answer). Whatever mount it finds it aborts and detaches.
 */
final class FuseLeakCheck {

    /** How long serving threads get to end after their mounts are gone (an unmount joins them, an abort does not). */
    static final Duration THREAD_GRACE = Duration.ofSeconds(5);

    private static final Path DEVICE = Path.of("/dev/fuse");

    private FuseLeakCheck() {
    }

    /** The /dev/fuse descriptors and serving mounts that existed before a test. */
    record Baseline(Set<Integer> descriptors, Set<String> servedMounts) {

        static Baseline take() {
            return new Baseline(fuseDescriptors(), mountsBeingServed());
        }

    }

    /**
     * Aborts and detaches every FUSE mount under the directories, then lists what was left: those
     * mounts, descriptors of /dev/fuse not in the baseline, and threads serving a mount the baseline
     * did not know (given {@link #THREAD_GRACE} to end). Empty when the test cleaned up after itself.
     */
    static List<String> leaksAfter(Collection<Path> directories, Baseline baseline) {
        List<String> leaks = new ArrayList<>();
        List<MountTable.Entry> mounts = new ArrayList<>();
        MountTable table = MountTable.read();
        for (Path directory : directories) {
            mounts.addAll(table.fuseMountsUnder(directory));
        }
        mounts.sort(Comparator.comparingInt((MountTable.Entry e) -> e.mountPoint().length()).reversed());
        for (MountTable.Entry mount : mounts) {
            String problem = ForcedUnmount.abortAndDetach(mount).map((p) -> "; " + p).orElse("; aborted and detached");
            leaks.add("mount " + mount.mountPoint() + " (" + mount.source() + problem + ")");
        }
        long deadline = System.nanoTime() + THREAD_GRACE.toNanos();
        Set<String> threads = newServingThreads(baseline);
        while (!threads.isEmpty() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // pooled threads are renamed, not ended: poll
            threads = newServingThreads(baseline);
        }
        for (String thread : threads) {
            leaks.add("thread " + thread + " still serving");
        }
        for (int fd : fuseDescriptors()) {
            if (!baseline.descriptors().contains(fd)) {
                leaks.add("/dev/fuse descriptor " + fd + " still open");
            }
        }
        return leaks;
    }

    /** Whether any FUSE mount is left under {@code directory}. */
    static boolean hasMountsUnder(Path directory) {
        return !MountTable.read().fuseMountsUnder(directory).isEmpty();
    }

    private static Set<String> newServingThreads(Baseline baseline) {
        Set<String> threads = new TreeSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            String name = thread.getName();
            if (thread.isAlive() && name.startsWith(FuseMount.SERVING_THREAD_PREFIX)
                    && !baseline.servedMounts().contains(mountOf(name))) {
                threads.add(name);
            }
        }
        return threads;
    }

    private static Set<String> mountsBeingServed() {
        Set<String> mounts = new TreeSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.isAlive() && thread.getName().startsWith(FuseMount.SERVING_THREAD_PREFIX)) {
                mounts.add(mountOf(thread.getName()));
            }
        }
        return mounts;
    }

    /** {@code fuse:<mount>} or {@code fuse:<mount>#K} to the mount's name. */
    private static String mountOf(String threadName) {
        String name = threadName.substring(FuseMount.SERVING_THREAD_PREFIX.length());
        int hash = name.lastIndexOf('#');
        return (hash > 0) ? name.substring(0, hash) : name;
    }

    /** The descriptors of this JVM open on /dev/fuse. */
    static Set<Integer> fuseDescriptors() {
        Set<Integer> fds = new TreeSet<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            for (Path entry : entries.toList()) {
                try {
                    if (Files.readSymbolicLink(entry).equals(DEVICE)) {
                        fds.add(Integer.parseInt(entry.getFileName().toString()));
                    }
                }
                catch (IOException | NumberFormatException ex) {
                    // closed while listing, or the directory stream's own descriptor
                }
            }
        }
        catch (IOException ex) {
            // no /proc (not Linux): nothing to see
        }
        return fds;
    }

}
