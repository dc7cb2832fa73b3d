// Fresh directories for the kit's own tests, under the test root CI cleans (-Dfuse.test.root).
package io.github.fusespringboot.test.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Where the kit's tests make their local control directories and mount points. */
final class TestDirectories {

    static final Path ROOT = Path.of(System.getProperty("fuse.test.root", "/tmp/fuse-spring-boot-tests"));

    private TestDirectories() {
    }

    static Path fresh(String prefix) throws IOException {
        Files.createDirectories(ROOT);
        return Files.createTempDirectory(ROOT, prefix);
    }

    static void delete(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** This JVM's open descriptors that point at or below {@code dir}: what a check forgot to close. */
    static java.util.List<String> descriptorsUnder(Path dir) throws IOException {
        java.util.List<String> open = new java.util.ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    if (target.startsWith(dir)) {
                        open.add(fd.getFileName() + " -> " + target);
                    }
                }
                catch (IOException ex) {
                    // closed while listing
                }
            }
        }
        return open;
    }

}
