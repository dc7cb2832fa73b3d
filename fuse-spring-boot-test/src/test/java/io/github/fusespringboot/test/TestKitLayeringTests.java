package io.github.fusespringboot.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kit uses only the engine's public API (never its natives package), and works for a test without
 * Spring: a class path with no Spring jar on it runs a {@code @FuseMountTest} class that mounts.
 */
class TestKitLayeringTests {

    private static final Path SOURCES = Path.of("src/main/java/io/github/fusespringboot/test");

    @Test
    void theKitDoesNotUseTheEnginesNativeCalls() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(SOURCES)) {
            files = walk.filter((file) -> file.toString().endsWith(".java")).toList();
        }
        assertThat(files).extracting((file) -> file.getFileName().toString()).contains("FuseMountExtension.java");
        assertThat(files).allSatisfy((file) -> assertThat(Files.readString(file)).as(file.toString())
            .doesNotContain("io.github.fusespringboot.mount.natives"));
        // the kit's own libc calls live in its one natives package, as the engine's do in mount.natives
        Path kitNatives = SOURCES.resolve("conformance/natives");
        assertThat(files).filteredOn((file) -> !file.startsWith(kitNatives))
            .allSatisfy((file) -> assertThat(Files.readString(file)).as(file.toString()).doesNotContain("jnr.ffi"));
    }

    @Test
    void aTestWithoutSpringOnTheClassPathMountsAndIsChecked() throws Exception {
        String classpath = String.join(":", Arrays.stream(System.getProperty("java.class.path").split(":"))
            .filter((entry) -> !entry.contains("/org/springframework/"))
            .toList());
        assertThat(classpath).doesNotContain("spring-test", "spring-context", "spring-core");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:-UsePerfData",
                "-XX:TieredStopAtLevel=1"));
        command.addAll(InheritedOptions.get());
        command.addAll(List.of("-D" + TestDirectories.ROOT_PROPERTY + "=" + TestDirectories.root(), "-cp", classpath,
                TestClassRun.class.getName(), FuseMountExtensionTests.MountsAndForgets.class.getName(),
                FuseMountExtensionTests.LeaksAMount.class.getName()));
        Path log = Files.createTempFile(TestDirectories.root(), "without-spring-", ".log");
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = child.waitFor(Duration.ofSeconds(60).toMillis(), TimeUnit.MILLISECONDS);
        if (!ended) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(log);
        Files.delete(log);
        assertThat(ended).as(output).isTrue();
        assertThat(output).as(output)
            .contains("RESULT SUCCESSFUL test mounts(FuseMounts)", "RESULT FAILED test leaks(FuseMounts)",
                    "The test left FUSE state behind: mount ")
            .doesNotContain("NoClassDefFoundError", "ClassNotFoundException");
    }

}
