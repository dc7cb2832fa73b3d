package io.github.fusespringboot.samples.hello;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.fusespringboot.mount.MountTable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The repackaged executable jar (run by failsafe after {@code package}): its manifest enables native
 * access, and {@code java -jar} on JDK 24 or later starts, serves and stops without a JVM warning.
 */
class ExecutableJarIT {

    /** JDK 24 made a native library load by code without native access (jffi's stub) a warning. */
    private static final int FIRST_WARNING_JDK = 24;

    /** Start-up on a loaded 2-core machine has taken 40 s; a hang ends here instead. */
    private static final long START_BOUND_SECONDS = 180;

    private static final long STOP_BOUND_SECONDS = 30;

    private static final Pattern JAVA_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

    private final Path jar = Path.of(System.getProperty("sample.jar", "target/missing.jar"));

    @Test
    void manifestEnablesNativeAccessForEveryUnnamedModule() throws IOException {
        assertThat(this.jar).as("the repackaged jar (sample.jar)").isRegularFile();
        try (JarFile file = new JarFile(this.jar.toFile())) {
            Attributes manifest = file.getManifest().getMainAttributes();
            assertThat(manifest.getValue("Main-Class")).as("Spring Boot's launcher")
                .isEqualTo("org.springframework.boot.loader.launch.JarLauncher");
            assertThat(manifest.getValue("Enable-Native-Access")).isEqualTo("ALL-UNNAMED");
        }
    }

    @Test
    @Timeout(value = START_BOUND_SECONDS + STOP_BOUND_SECONDS + 30, unit = TimeUnit.SECONDS)
    void javaDashJarOnJdk24OrLaterServesTheMountAndPrintsNoWarning() throws Exception {
        Path java = newerJava().orElse(null);
        Assumptions.assumeTrue(java != null, "no JDK " + FIRST_WARNING_JDK + " or later here (looked at this JVM, "
                + "-Dfuse.test.newer-java-home and /usr/lib/jvm/*): native-access warnings cannot happen on older JDKs");
        Path base = Files.createDirectories(Path.of(System.getProperty("fuse.test.root", "/tmp/fuse-spring-boot-tests")));
        Path root = Files.createTempDirectory(base, "jar-");
        Path stderr = root.resolve("stderr.txt");
        // the README's command line for JDK 24+: the manifest covers native access, the flag jffi's Unsafe use
        Process app = new ProcessBuilder(java.toString(), "-Xmx256m", "--sun-misc-unsafe-memory-access=allow", "-jar",
                this.jar.toString(), "--server.port=0", "--spring.main.banner-mode=off", "--sample.mount-root=" + root)
            .redirectError(stderr.toFile())
            .start();
        List<String> output = new ArrayList<>();
        CompletableFuture<Void> started = new CompletableFuture<>();
        Thread reader = new Thread(() -> readOutput(app, output, started), "hello-jar-stdout");
        reader.start();
        try {
            try {
                started.get(START_BOUND_SECONDS, TimeUnit.SECONDS);
            }
            catch (TimeoutException ex) {
                fail("not started within " + START_BOUND_SECONDS + " s: " + lines(output));
            }
            assertThat(Files.readString(root.resolve("hello/hello.txt"))).isEqualTo("Hello from fuse-spring-boot!\n");

            // SIGTERM, as a service manager stops it (Process.destroy() would also close the output we read)
            app.toHandle().destroy();
            assertThat(app.waitFor(STOP_BOUND_SECONDS, TimeUnit.SECONDS)).as("stopped within the bound").isTrue();
            reader.join(TimeUnit.SECONDS.toMillis(STOP_BOUND_SECONDS));
            assertThat(lines(output)).as("exit %d, stderr: %s", app.exitValue(), Files.readString(stderr))
                .contains("Unmounted 2 FUSE filesystem(s)");
            assertThat(MountTable.read().fuseMountsUnder(root)).isEmpty();
            assertThat(Files.readAllLines(stderr)).as("the JVM's warnings (stderr)").noneMatch((line) -> line.startsWith("WARNING"));
        }
        finally {
            app.destroyForcibly();
            app.waitFor(STOP_BOUND_SECONDS, TimeUnit.SECONDS);
            deleteUnlessMounted(root);
        }
    }

    private static void readOutput(Process app, List<String> output, CompletableFuture<Void> started) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                synchronized (output) {
                    output.add(line);
                }
                if (line.contains("Started HelloApplication")) {
                    started.complete(null);
                }
            }
        }
        catch (IOException ex) {
            // the pipe closed: the process is gone, which the code below reports
        }
        started.completeExceptionally(new IllegalStateException("the application closed its output before it had "
                + "started: " + lines(output)));
    }

    private static String lines(List<String> output) {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    /** A JDK 24+: this one, the one named by fuse.test.newer-java-home, or the newest in /usr/lib/jvm. */
    private static Optional<Path> newerJava() throws IOException {
        if (Runtime.version().feature() >= FIRST_WARNING_JDK) {
            return Optional.of(Path.of(System.getProperty("java.home"), "bin", "java"));
        }
        String named = System.getProperty("fuse.test.newer-java-home");
        if (named != null && !named.isBlank()) {
            return Optional.of(Path.of(named, "bin", "java"));
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter((home) -> Files.isExecutable(home.resolve("bin/java")))
                .filter((home) -> featureVersion(home) >= FIRST_WARNING_JDK)
                .max(Comparator.comparingInt(ExecutableJarIT::featureVersion))
                .map((home) -> home.resolve("bin/java"));
        }
    }

    private static int featureVersion(Path home) {
        try {
            Matcher version = JAVA_VERSION.matcher(Files.readString(home.resolve("release")));
            return version.find() ? Integer.parseInt(version.group(1)) : 0;
        }
        catch (IOException ex) {
            return 0;
        }
    }

    private static void deleteUnlessMounted(Path root) throws IOException {
        if (!MountTable.read().fuseMountsUnder(root).isEmpty()) {
            return; // never delete through a live mount; the assertion above has failed already
        }
        try (Stream<Path> entries = Files.walk(root)) {
            entries.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
        }
    }

}
