package io.github.fusespringboot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine never imports Spring, and the Spring glue never touches native calls. */
class LayeringTests {

    private static final Path SOURCES = Path.of("src/main/java/io/github/fusespringboot");

    @Test
    void theEngineDoesNotImportSpring() throws IOException {
        List<Path> engine = javaFiles(SOURCES.resolve("mount"));
        assertThat(engine).isNotEmpty();
        assertThat(engine).allSatisfy((file) -> assertThat(Files.readString(file)).as(file.toString())
            .doesNotContain("org.springframework"));
    }

    @Test
    void theSpringGlueDoesNotTouchNativeCalls() throws IOException {
        List<Path> glue = javaFiles(SOURCES).stream().filter((file) -> !file.startsWith(SOURCES.resolve("mount"))).toList();
        assertThat(glue).extracting((file) -> file.getFileName().toString())
            .contains("FuseFilesystem.java", "FuseLifecycle.java", "FuseAutoConfiguration.java");
        assertThat(glue).allSatisfy((file) -> assertThat(Files.readString(file)).as(file.toString())
            .doesNotContain("io.github.fusespringboot.mount.natives")
            .doesNotContain("jnr.ffi"));
    }

    private static List<Path> javaFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter((file) -> file.toString().endsWith(".java")).toList();
        }
    }

}
