// The temporary directories tests mount on: created fresh, removed afterwards unless a mount is stuck in them.
package io.github.fusespringboot.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Every directory is created below {@link #root()}: the system property {@value #ROOT_PROPERTY}, or
 * {@code fuse-spring-boot-tests} in {@code java.io.tmpdir}. A CI job can clean that one directory after a crashed
 * run. Mount points must be on an ordinary filesystem (the fusermount3 helper refuses others).
 */
final class TestDirectories {

    /** The system property naming the directory all test mounts go below. */
    static final String ROOT_PROPERTY = "fuse.test.root";

    private TestDirectories() {
    }

    static Path root() {
        String configured = System.getProperty(ROOT_PROPERTY);
        return (configured != null && !configured.isBlank()) ? Path.of(configured)
                : Path.of(System.getProperty("java.io.tmpdir"), "fuse-spring-boot-tests");
    }

    /** A new empty directory whose name starts with {@code prefix} (made safe for a path). */
    static Path create(String prefix) {
        try {
            Path root = Files.createDirectories(root());
            return Files.createTempDirectory(root, prefix.replaceAll("[^A-Za-z0-9._-]", "_") + "-");
        }
        catch (IOException ex) {
            throw new UncheckedIOException("cannot create a directory for FUSE test mounts below " + root()
                    + " (set -D" + ROOT_PROPERTY + "=<dir> to use another one)", ex);
        }
    }

    /**
     * Removes the tree, deepest first. Never called while a FUSE mount is below it: walking into a
     * mount that does not answer would block.
     */
    static void delete(Path directory) {
        if (FuseLeakCheck.hasMountsUnder(directory)) {
            return; // left for inspection; the leak was reported
        }
        try (Stream<Path> walk = Files.walk(directory)) {
            walk.sorted(Comparator.comparingInt(Path::getNameCount).reversed()).forEach((path) -> {
                try {
                    Files.deleteIfExists(path);
                }
                catch (IOException ex) {
                    // best effort: what the test left in its own directory is its business
                }
            });
        }
        catch (IOException | UncheckedIOException ex) {
            // best effort
        }
    }

}
