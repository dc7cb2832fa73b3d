package io.github.fusespringboot.mount;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Child JVM of {@link QuietStderrTest}: runs the founding scenario on multi-threaded mounts and exits 0
 * when it was clean.
 */
public final class QuietStderrChild {

    private QuietStderrChild() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Files.createDirectories(Path.of(args[0]));
        try (MountManager manager = new MountManager()) {
            FoundingScenario.Result result = new FoundingScenario(manager, root, 4, 300, true, Duration.ofSeconds(10))
                .run();
            System.out.println("cycles=" + result.cycles() + " failures=" + result.failures());
            System.exit((result.failures() == 0 && result.cycles() == 300) ? 0 : 1);
        }
    }

}
