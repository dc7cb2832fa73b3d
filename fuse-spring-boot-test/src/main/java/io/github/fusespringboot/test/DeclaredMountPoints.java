// Where the @FuseFilesystem beans of a Spring test's contexts were redirected to, per test class.
package io.github.fusespringboot.test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Filled by the Spring support when it redirects a context's mounts to a temporary directory, read by
 * {@link FuseMounts#mountPoint(String)} (the latest context of the class) and emptied after the class
 * (every context it had: one, or one per method with {@code @DirtiesContext}); free of Spring types,
 * so the extension needs no Spring.
 */
final class DeclaredMountPoints {

    private static final Map<Class<?>, List<Redirected>> BY_TEST_CLASS = new ConcurrentHashMap<>();

    private DeclaredMountPoints() {
    }

    /**
     * One context's redirection.
     * @param directory the temporary directory the mounts were redirected below
     * @param mountPoints each mount's name and its mount point now (empty until the beans are known)
     */
    record Redirected(Path directory, Map<String, Path> mountPoints) {

        Redirected {
            mountPoints = Map.copyOf(mountPoints);
        }

    }

    /** Adds a context's redirection, or replaces the one with the same directory. */
    static void register(Class<?> testClass, Redirected redirected) {
        BY_TEST_CLASS.compute(testClass, (type, list) -> {
            List<Redirected> updated = new ArrayList<>((list != null) ? list : List.of());
            updated.removeIf((r) -> r.directory().equals(redirected.directory()));
            updated.add(redirected);
            return List.copyOf(updated);
        });
    }

    /** Forgets every redirection of the test class and returns them. */
    static List<Redirected> remove(Class<?> testClass) {
        List<Redirected> removed = BY_TEST_CLASS.remove(testClass);
        return (removed != null) ? removed : List.of();
    }

    /** The latest redirection of the test class's context, or of the nearest enclosing class that has one. */
    static Optional<Redirected> of(Class<?> testClass) {
        for (Class<?> type = testClass; type != null; type = type.getEnclosingClass()) {
            List<Redirected> found = BY_TEST_CLASS.get(type);
            if (found != null && !found.isEmpty()) {
                return Optional.of(found.get(found.size() - 1));
            }
        }
        return Optional.empty();
    }

}
