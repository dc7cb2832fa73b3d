// Where the @FuseFilesystem beans of a Spring test's context were redirected to, per test class.
package io.github.fusespringboot.test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Filled by the Spring support when it redirects a context's mounts to a temporary directory, read by
 * {@link FuseMounts#mountPoint(String)}; free of Spring types, so the extension needs no Spring.
 */
final class DeclaredMountPoints {

    private static final Map<Class<?>, Redirected> BY_TEST_CLASS = new ConcurrentHashMap<>();

    private DeclaredMountPoints() {
    }

    /**
     * One context's redirection.
     * @param directory the temporary directory the mounts were redirected below
     * @param mountPoints each mount's name and its mount point now
     */
    record Redirected(Path directory, Map<String, Path> mountPoints) {

        Redirected {
            mountPoints = Map.copyOf(mountPoints);
        }

    }

    static void register(Class<?> testClass, Redirected redirected) {
        BY_TEST_CLASS.put(testClass, redirected);
    }

    /** Forgets the test class's redirection and returns it. */
    static Optional<Redirected> remove(Class<?> testClass) {
        return Optional.ofNullable(BY_TEST_CLASS.remove(testClass));
    }

    /** The redirection of the test class's context, or of the nearest enclosing class that has one. */
    static Optional<Redirected> of(Class<?> testClass) {
        for (Class<?> type = testClass; type != null; type = type.getEnclosingClass()) {
            Redirected found = BY_TEST_CLASS.get(type);
            if (found != null) {
                return Optional.of(found);
            }
        }
        return Optional.empty();
    }

}
