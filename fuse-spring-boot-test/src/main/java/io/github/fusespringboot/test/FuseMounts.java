// What a @FuseMountTest test gets to mount filesystems with, and to find the mounts of its Spring context.
package io.github.fusespringboot.test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.FuseMountException;
import io.github.fusespringboot.mount.MountManager;
import io.github.fusespringboot.mount.MountSpec;
import io.github.fusespringboot.mount.MountStrategy;
import ru.serce.jnrfuse.FuseFS;

/**
 * One test's mounts: declare a parameter of this type in a {@link FuseMountTest} test (or a
 * {@code @BeforeEach} method) to get it. Every mount goes on a fresh directory below the test's own
 * temporary {@link #directory()}, through the strategy this machine allows (a direct mount as root,
 * the {@code fusermount3} helper for a normal user), and is unmounted when the test ends; anything
 * still left then fails the test.
 *
 * <pre>{@code
 * @Test
 * void servesHello(FuseMounts mounts) throws IOException {
 *     Path root = mounts.mount(new HelloFilesystem());
 *     assertThat(Files.readString(root.resolve("hello.txt"))).isEqualTo("Hello\n");
 * }
 * }</pre>
 */
public final class FuseMounts {

    private final Path directory;

    private final MountStrategy strategy;

    private final Class<?> testClass;

    private final AtomicInteger unnamed = new AtomicInteger();

    private volatile MountManager manager;

    FuseMounts(Path directory, MountStrategy strategy, Class<?> testClass) {
        this.directory = directory;
        this.strategy = strategy;
        this.testClass = testClass;
    }

    /** The test's own temporary directory; mounts are made below it, and it is removed after the test. */
    public Path directory() {
        return this.directory;
    }

    /** How mounts are made on this machine: {@link MountStrategy#DIRECT} or {@link MountStrategy#FUSERMOUNT}. */
    public MountStrategy strategy() {
        return this.strategy;
    }

    /**
     * Mounts a filesystem on a new directory named after its class and returns that directory once
     * the filesystem answers.
     */
    public Path mount(FuseFS filesystem) {
        String base = filesystem.getClass().getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "");
        return mount((base.isEmpty() ? "fs" : base) + "-" + this.unnamed.incrementAndGet(), filesystem);
    }

    /** Mounts a filesystem under that name on {@code directory()/name} and returns the mount point. */
    public Path mount(String name, FuseFS filesystem) {
        return mount(spec(name, filesystem).build()).mountPoint();
    }

    /**
     * A specification to adjust before {@link #mount(MountSpec)}: mount point {@code directory()/name}
     * (created), and this machine's {@link #strategy()}.
     */
    public MountSpec.Builder spec(String name, FuseFS filesystem) {
        return MountSpec.builder(name, this.directory.resolve(name), filesystem)
            .createMountPoint(true)
            .mountStrategy(this.strategy);
    }

    /**
     * Mounts with the test's {@link #manager()}; the mount point should lie below {@link #directory()}
     * so that the leak check sees it.
     */
    public FuseMount mount(MountSpec spec) {
        return manager().mount(spec);
    }

    /**
     * The mount point of a mount of this test, by name: one mounted here, or a {@code @FuseFilesystem}
     * bean of the test's Spring context (whose mount point was redirected below a temporary directory).
     * @throws IllegalArgumentException when there is no mount of that name
     */
    public Path mountPoint(String name) {
        MountManager own = this.manager;
        if (own != null) {
            Optional<FuseMount> mount = own.find(name);
            if (mount.isPresent()) {
                return mount.get().mountPoint();
            }
        }
        Map<String, Path> declared = DeclaredMountPoints.of(this.testClass)
            .map(DeclaredMountPoints.Redirected::mountPoints)
            .orElse(Map.of());
        Path path = declared.get(name);
        if (path == null) {
            TreeSet<String> known = new TreeSet<>(declared.keySet());
            if (own != null) {
                own.mounts().forEach((m) -> known.add(m.name()));
            }
            throw new IllegalArgumentException("This test has no FUSE mount named '" + name + "' (it has: "
                    + (known.isEmpty() ? "none" : String.join(", ", known)) + ")");
        }
        return path;
    }

    /** The engine the test's own mounts go through; created on first use, closed after the test. */
    public MountManager manager() {
        MountManager current = this.manager;
        if (current == null) {
            synchronized (this) {
                current = this.manager;
                if (current == null) {
                    current = new MountManager();
                    this.manager = current;
                }
            }
        }
        return current;
    }

    /**
     * Unmounts whatever the test mounted here (concurrently, each bounded by its unmount timeout) and
     * says which unmounts failed.
     */
    List<String> close() {
        MountManager current = this.manager;
        if (current == null) {
            return List.of();
        }
        List<FuseMount> left = current.mounts();
        List<String> failures = new ArrayList<>();
        for (FuseMountException failure : current.unmountAll(left, Math.max(1, left.size()))) {
            failures.add("unmount failed: " + failure.getMessage());
        }
        current.close();
        return failures;
    }

}
