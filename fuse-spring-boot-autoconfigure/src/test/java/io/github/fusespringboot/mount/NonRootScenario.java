// The main class NonRootMountTest runs in a child JVM as a normal user; it writes what happened to a properties file.
package io.github.fusespringboot.mount;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.github.fusespringboot.mount.natives.Native;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.examples.HelloFuse;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * {@code NonRootScenario <scenario> <root directory> <result file> [arguments]}. Scenarios:
 * {@code direct} (the default strategy, expected to fail), {@code fusermount} (mount, serve and unmount
 * with the helper, then with direct-then-fusermount), {@code stress <cycles> <workers>} (the founding
 * scenario through the helper), {@code churn <cycles> <workers>} (helper mounts while /dev/fuse
 * descriptors, a file inside a mount and a plain file are open in this JVM). Every scenario ends with
 * the leak check of {@link FuseTestExtension#leaks(Path)}. {@code wedged}: unmount (through the helper)
 * while a callback never returns, as a user who cannot abort the connection through fusectl.
 */
public final class NonRootScenario {

    private static final String HELLO = "Hello World!";

    private NonRootScenario() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[1]);
        Path resultFile = Path.of(args[2]);
        Properties result = new Properties();
        result.setProperty("uid", Integer.toString(Native.effectiveUid()));
        try {
            switch (args[0]) {
                case "direct" -> direct(root, result);
                case "fusermount" -> fusermount(root, result);
                case "stress" -> stress(root, Integer.parseInt(args[3]), Integer.parseInt(args[4]), result);
                case "churn" -> churn(root, Integer.parseInt(args[3]), Integer.parseInt(args[4]), result);
                case "wedged" -> wedged(root, result);
                default -> throw new IllegalArgumentException("unknown scenario " + args[0]);
            }
            result.setProperty("leaks", FuseTestExtension.leaks(root).toString());
        }
        catch (Throwable ex) {
            result.setProperty("error", ex.toString());
            ex.printStackTrace();
        }
        try (OutputStream out = Files.newOutputStream(resultFile)) {
            result.store(out, args[0]);
        }
        // daemon threads only; exit without waiting for idle pools
        System.exit(0);
    }

    /** The default strategy: must fail at once, with the advice, and leave nothing behind. */
    private static void direct(Path root, Properties result) {
        Path dir = root.resolve("direct/mnt");
        try (MountManager manager = new MountManager()) {
            long started = System.nanoTime();
            try {
                manager.mount(MountSpec.builder("direct", dir, new HelloFuse()).createMountPoint(true).build()).close();
                result.setProperty("outcome", "mounted");
            }
            catch (FuseMountException ex) {
                result.setProperty("outcome", "failed");
                result.setProperty("phase", ex.phase().name());
                result.setProperty("errno", String.valueOf(ex.errnoName()));
                result.setProperty("message", ex.getMessage());
            }
            result.setProperty("millis", Long.toString((System.nanoTime() - started) / 1_000_000));
            result.setProperty("mountPointLeft", Boolean.toString(Files.exists(root.resolve("direct"))));
        }
    }

    /**
     * A read callback that does not return: the unmount must still end within its bound, although a
     * normal user can neither umount2 nor write fusectl's abort; once the callback returns, all is freed.
     */
    private static void wedged(Path root, Properties result) throws Exception {
        StuckFs fs = new StuckFs();
        Duration timeout = Duration.ofSeconds(1);
        try (MountManager manager = new MountManager()) {
            Path dir = Files.createDirectory(root.resolve("wedged"));
            FuseMount mount = manager.mount(MountSpec.builder("wedged", dir, fs)
                .mountStrategy(MountStrategy.FUSERMOUNT)
                .unmountTimeout(timeout)
                .build());
            Thread reader = new Thread(() -> {
                try {
                    result.setProperty("readerRead", Files.readString(dir.resolve("stuck")));
                }
                catch (IOException ex) {
                    result.setProperty("readerRead", ex.toString());
                }
            }, "stuck-reader");
            reader.setDaemon(true);
            reader.start();
            result.setProperty("entered", Boolean.toString(fs.entered.await(10, TimeUnit.SECONDS)));
            long started = System.nanoTime();
            try {
                mount.unmount();
                result.setProperty("unmount", "returned");
            }
            catch (FuseMountException ex) {
                result.setProperty("unmount", "failed");
                result.setProperty("unmountMessage", ex.getMessage());
            }
            result.setProperty("unmountMillis", Long.toString((System.nanoTime() - started) / 1_000_000));
            result.setProperty("state", mount.state().name());
            result.setProperty("mountedAfter", Boolean.toString(MountTable.read().find(dir).isPresent()));
            fs.release.countDown();
            reader.join(10_000);
            result.setProperty("readerAlive", Boolean.toString(reader.isAlive()));
        }
    }

    /** A file whose read blocks until released. */
    static final class StuckFs extends FuseStubFS {

        final CountDownLatch entered = new CountDownLatch(1);

        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public int getattr(String path, FileStat stat) {
            if (path.equals("/")) {
                stat.st_mode.set(FileStat.S_IFDIR | 0755);
                stat.st_nlink.set(2);
                return 0;
            }
            if (path.equals("/stuck")) {
                stat.st_mode.set(FileStat.S_IFREG | 0444);
                stat.st_nlink.set(1);
                stat.st_size.set(5);
                return 0;
            }
            return -ErrorCodes.ENOENT();
        }

        @Override
        public int open(String path, FuseFileInfo fi) {
            return path.equals("/stuck") ? 0 : -ErrorCodes.ENOENT();
        }

        @Override
        public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
            this.entered.countDown();
            try {
                this.release.await(60, TimeUnit.SECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            byte[] data = "stuck".getBytes();
            if (offset >= data.length) {
                return 0;
            }
            int n = (int) Math.min(size, data.length - offset);
            buf.put(0, data, (int) offset, n);
            return n;
        }

    }

    /** FUSERMOUNT, then DIRECT_THEN_FUSERMOUNT: mount, read through the mount, unmount. */
    private static void fusermount(Path root, Properties result) throws Exception {
        HelloFuse fs = new HelloFuse();
        try (MountManager manager = new MountManager()) {
            int n = 0;
            for (MountStrategy strategy : List.of(MountStrategy.FUSERMOUNT, MountStrategy.DIRECT_THEN_FUSERMOUNT)) {
                String key = strategy.name();
                Path dir = Files.createDirectory(root.resolve("m" + n++));
                FuseMount mount = manager.mount(MountSpec.builder("user-" + n, dir, fs).mountStrategy(strategy).build());
                result.setProperty(key + ".state", mount.state().name());
                result.setProperty(key + ".read", Files.readString(dir.resolve("hello")));
                MountTable.Entry entry = MountTable.read().find(dir).orElseThrow();
                result.setProperty(key + ".type", entry.type());
                result.setProperty(key + ".source", entry.source());
                result.setProperty(key + ".fuseFds", describeFuseDescriptors());
                mount.unmount();
                result.setProperty(key + ".after", mount.state().name());
                result.setProperty(key + ".stillMounted", Boolean.toString(MountTable.read().find(dir).isPresent()));
            }
        }
    }

    /** Each /dev/fuse descriptor of this JVM as {@code fd:cloexec} (from /proc/self/fdinfo). */
    private static String describeFuseDescriptors() throws IOException {
        List<String> described = new ArrayList<>();
        for (int fd : FuseTestExtension.openFuseDescriptors()) {
            described.add(fd + ":" + (isCloseOnExec(fd) ? "cloexec" : "inheritable"));
        }
        return String.join(",", described);
    }

    private static boolean isCloseOnExec(int fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) {
                return (Long.parseLong(line.substring(6).trim(), 8) & 02000000) != 0;
            }
        }
        return false;
    }

    /** Descriptors 3 and up of this JVM that are not close-on-exec, as {@code fd -> target}. */
    private static List<String> inheritableDescriptors() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            for (Path entry : entries.toList()) {
                int fd = Integer.parseInt(entry.getFileName().toString());
                try {
                    if (fd >= 3 && !isCloseOnExec(fd)) {
                        found.add(fd + " -> " + Files.readSymbolicLink(entry));
                    }
                }
                catch (IOException ex) {
                    // closed meanwhile (the listing's own descriptor)
                }
            }
        }
        return found;
    }

    /** The founding scenario: mount on a fresh directory, read, unmount, remove the directory. */
    private static void stress(Path root, int cycles, int workers, Properties result) throws Exception {
        HelloFuse fs = new HelloFuse();
        MountManager manager = new MountManager();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        long started = System.nanoTime();
        for (int w = 0; w < workers; w++) {
            pool.execute(() -> {
                int i;
                while ((i = next.getAndIncrement()) < cycles) {
                    try {
                        cycle(manager, fs, root, "c" + i);
                        done.incrementAndGet();
                    }
                    catch (Throwable ex) {
                        failures.add("cycle " + i + ": " + ex);
                    }
                }
            });
        }
        pool.shutdown();
        boolean finished = pool.awaitTermination(90, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - started) / 1e9;
        result.setProperty("finished", Boolean.toString(finished));
        result.setProperty("cycles", Integer.toString(done.get()));
        result.setProperty("failures", Integer.toString(failures.size()));
        result.setProperty("firstFailures", failures.stream().limit(5).toList().toString());
        result.setProperty("seconds", String.format("%.2f", seconds));
        result.setProperty("throughput", String.format("%.0f", done.get() / seconds));
        if (finished) {
            manager.close();
        }
        try (Stream<Path> left = Files.list(root)) {
            result.setProperty("directoriesLeft", Long.toString(left.count()));
        }
    }

    private static void cycle(MountManager manager, HelloFuse fs, Path root, String name) throws IOException {
        Path dir = Files.createDirectory(root.resolve(name));
        FuseMount mount = manager
            .mount(MountSpec.builder(name, dir, fs).mountStrategy(MountStrategy.FUSERMOUNT).build());
        String text = Files.readString(dir.resolve("hello"));
        mount.unmount();
        if (!HELLO.equals(text)) {
            throw new IllegalStateException("read '" + text + "'");
        }
        if (mount.state() != MountState.UNMOUNTED) {
            throw new IllegalStateException("state " + mount.state());
        }
        Files.delete(dir);
    }

    /**
     * Helper spawns while this JVM holds what go-fuse's child closed by accident: /dev/fuse descriptors
     * of live mounts, a file open inside a mount, and a plain file, the last two without close-on-exec.
     */
    private static void churn(Path root, int cycles, int workers, Properties result) throws Exception {
        HelloFuse fs = new HelloFuse();
        try (MountManager manager = new MountManager()) {
            List<FuseMount> held = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                Path dir = Files.createDirectory(root.resolve("held-" + k));
                held.add(manager.mount(
                        MountSpec.builder("held-" + k, dir, fs).mountStrategy(MountStrategy.FUSERMOUNT).build()));
            }
            Path plainFile = Files.writeString(root.resolve("plain.txt"), "plain");
            try (InputStream inside = new FileInputStream(root.resolve("held-0/hello").toFile());
                    InputStream plain = new FileInputStream(plainFile.toFile())) {
                result.setProperty("fuseFds", describeFuseDescriptors());
                result.setProperty("inheritable", String.join(";", inheritableDescriptors()));
                AtomicInteger next = new AtomicInteger();
                AtomicInteger done = new AtomicInteger();
                ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
                ExecutorService pool = Executors.newFixedThreadPool(workers);
                for (int w = 0; w < workers; w++) {
                    pool.execute(() -> {
                        int i;
                        while ((i = next.getAndIncrement()) < cycles) {
                            try {
                                cycle(manager, fs, root, "churn-" + i);
                                done.incrementAndGet();
                            }
                            catch (Throwable ex) {
                                failures.add("cycle " + i + ": " + ex);
                            }
                        }
                    });
                }
                pool.shutdown();
                result.setProperty("finished", Boolean.toString(pool.awaitTermination(60, TimeUnit.SECONDS)));
                result.setProperty("cycles", Integer.toString(done.get()));
                result.setProperty("failures", failures.toString());
                result.setProperty("insideRead", new String(inside.readAllBytes()));
            }
            for (FuseMount mount : held) {
                mount.unmount();
            }
        }
    }

}
