// Gives each test a fresh directory tree and MountManager, and fails it if it leaves a mount, fd or thread.
package io.github.fusespringboot.mount;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The one place integration tests get mounts from. Before each test: a fresh directory under
 * {@link #ROOT} and a fresh {@link MountManager}. After it: the manager is closed, and the test fails
 * if any FUSE mount is left under its directory, any {@code /dev/fuse} descriptor is open in the JVM,
 * or any thread still serves a mount. Whatever it finds, it cleans up (fusectl abort and lazy detach).
 */
public final class FuseTestExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

    /** Every test mounts below this directory; CI's clean-up aborts whatever is left here. */
    public static final Path ROOT = Path.of(System.getProperty("fuse.test.root", "/tmp/fuse-spring-boot-tests"));

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
        .create(FuseTestExtension.class);

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        Files.createDirectories(ROOT);
        Path dir = Files.createTempDirectory(ROOT, context.getRequiredTestMethod().getName() + "-");
        context.getStore(NAMESPACE).put(Fixture.class, new Fixture(dir, new MountManager()));
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Fixture fixture = context.getStore(NAMESPACE).remove(Fixture.class, Fixture.class);
        if (fixture == null) {
            return;
        }
        fixture.manager().close();
        List<String> leaks = leaks(fixture.root());
        cleanUp(fixture.root());
        deleteTree(fixture.root());
        if (!leaks.isEmpty()) {
            throw new AssertionError("The test left FUSE state behind: " + leaks);
        }
    }

    /** What is left of FUSE under {@code root} and in this JVM. Waits (bounded) for threads to wind down. */
    public static List<String> leaks(Path root) throws Exception {
        List<String> leaks = new ArrayList<>();
        for (MountTable.Entry entry : MountTable.read().fuseMountsUnder(root)) {
            leaks.add("mount " + entry.mountPoint() + " (" + entry.source() + ")");
        }
        // a session abandoned to a stuck callback is freed (threads ended, descriptor closed) once that
        // callback returns: wait, bounded, for both before calling what is left a leak
        long deadline = System.nanoTime() + 5_000_000_000L;
        List<String> threads = servingThreads();
        List<Integer> fds = openFuseDescriptors();
        while ((!threads.isEmpty() || !fds.isEmpty()) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            Thread.yield();
            threads = servingThreads();
            fds = openFuseDescriptors();
        }
        for (int fd : fds) {
            leaks.add("/dev/fuse descriptor " + fd);
        }
        for (String thread : threads) {
            leaks.add("thread " + thread);
        }
        return leaks;
    }

    /** The descriptors of this JVM that point at /dev/fuse. */
    public static List<Integer> openFuseDescriptors() throws IOException {
        List<Integer> fds = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            for (Path entry : entries.toList()) {
                try {
                    if (Files.readSymbolicLink(entry).toString().equals("/dev/fuse")) {
                        fds.add(Integer.parseInt(entry.getFileName().toString()));
                    }
                }
                catch (IOException ex) {
                    // closed while listing
                }
            }
        }
        return fds;
    }

    /** Names of live threads that serve a mount. */
    public static List<String> servingThreads() {
        return Thread.getAllStackTraces()
            .keySet()
            .stream()
            .filter(Thread::isAlive)
            .map(Thread::getName)
            .filter((name) -> name.startsWith(LoopThreads.SERVING_PREFIX))
            .toList();
    }

    /** Aborts and detaches every FUSE mount under root (deepest first). */
    public static void cleanUp(Path root) {
        List<MountTable.Entry> left = new ArrayList<>(MountTable.read().fuseMountsUnder(root));
        left.sort((a, b) -> b.mountPoint().length() - a.mountPoint().length());
        for (MountTable.Entry entry : left) {
            FuseConnections.abort(entry.connectionId());
            io.github.fusespringboot.mount.natives.Native.umount2(entry.mountPoint(),
                    io.github.fusespringboot.mount.natives.Native.MNT_DETACH);
        }
    }

    static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach((path) -> {
                try {
                    Files.deleteIfExists(path);
                }
                catch (IOException ex) {
                    // best effort
                }
            });
        }
        catch (IOException ex) {
            // best effort
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Fixture.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(NAMESPACE).get(Fixture.class, Fixture.class);
    }

    /** A test's directory and manager. */
    public record Fixture(Path root, MountManager manager) {

        /** A path below the test's directory (not created). */
        public Path path(String name) {
            return this.root.resolve(name);
        }

        /** A new empty directory below the test's directory. */
        public Path dir(String name) throws IOException {
            return Files.createDirectories(this.root.resolve(name));
        }

    }

}
