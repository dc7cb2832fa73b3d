// Fills the mount table with unrelated tmpfs mounts for the run, as on a busy host, and removes them after.
package io.github.fusespringboot.samples.seedbench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import io.github.fusespringboot.mount.natives.Native;

/**
 * {@code --host-mounts=N}: N tiny tmpfs mounts under a directory of the bench's own, made before the
 * cycles start and removed when they end (also on an exception or SIGTERM). A Kubernetes node has
 * thousands of mounts; a mount engine whose per-mount cost grows with the mount table shows it here.
 *
 * <p>
 * Only in a private mount namespace ({@code unshare -m --propagation private}): there the mounts are
 * invisible to every other process on the machine, and they vanish with the namespace even when the
 * bench is killed or its watchdog halts the JVM.
 */
final class HostMounts implements AutoCloseable {

    private final Path dir;

    private final int count;

    private final Thread hook = new Thread(this::remove, "seed-bench-host-mounts-removal");

    private int mounted;

    private HostMounts(Path dir, int count) {
        this.dir = dir;
        this.count = count;
    }

    /** Mounts {@code count} tmpfs under {@code dir}; nothing when count is 0. */
    static HostMounts add(Path dir, int count, PrintStream out) throws IOException {
        HostMounts mounts = new HostMounts(dir, count);
        if (count == 0) {
            return mounts;
        }
        if (inInitialMountNamespace()) {
            throw new IllegalStateException("--host-mounts=" + count + " adds " + count + " mounts; run the bench in "
                    + "a private mount namespace, so that no other process sees them and they go with it: "
                    + "unshare -m --propagation private java -jar ... --host-mounts=" + count);
        }
        Runtime.getRuntime().addShutdownHook(mounts.hook);
        long started = System.nanoTime();
        try {
            for (int i = 0; i < count; i++) {
                Path at = Files.createDirectories(dir.resolve("m" + i));
                Native.mount("seed-bench-host-mount", at.toString(), "tmpfs", Native.MS_NOSUID | Native.MS_NODEV,
                        "size=4k,nr_inodes=16");
                mounts.mounted++;
            }
        }
        catch (RuntimeException | IOException ex) {
            mounts.close();
            throw ex;
        }
        out.printf("host-mounts: added %d tmpfs mounts under %s in %d ms%n", count, dir,
                (System.nanoTime() - started) / 1_000_000);
        return mounts;
    }

    /**
     * Whether this process shares its parent's mount namespace. {@code unshare -m java ...} execs the
     * JVM in a new namespace, so its parent (the shell) is in another one.
     */
    private static boolean inInitialMountNamespace() {
        try {
            long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L);
            return Files.readSymbolicLink(Path.of("/proc/self/ns/mnt"))
                .equals(Files.readSymbolicLink(Path.of("/proc/" + parent + "/ns/mnt")));
        }
        catch (IOException ex) {
            return true; // cannot tell: assume the shared one
        }
    }

    @Override
    public void close() {
        if (this.count == 0) {
            return;
        }
        remove();
        try {
            Runtime.getRuntime().removeShutdownHook(this.hook);
        }
        catch (IllegalStateException ex) {
            // shutting down already: the hook runs (or ran) remove()
        }
    }

    private synchronized void remove() {
        for (int i = this.mounted - 1; i >= 0; i--) {
            Path at = this.dir.resolve("m" + i);
            Native.umount2(at.toString(), Native.MNT_DETACH);
            try {
                Files.deleteIfExists(at);
            }
            catch (IOException ex) {
                // left for the next run's clean-up
            }
        }
        this.mounted = 0;
        try {
            Files.deleteIfExists(this.dir);
        }
        catch (IOException ex) {
            // not empty: something else was put there
        }
    }

}
