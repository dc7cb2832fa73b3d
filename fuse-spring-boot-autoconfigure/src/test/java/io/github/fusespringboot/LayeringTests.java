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

    @Test
    void onlyTheNativesPackageTouchesRawAddressesOrNativeBindings() throws IOException {
        List<Path> outside = javaFiles(SOURCES).stream()
            .filter((file) -> !file.startsWith(SOURCES.resolve("mount/natives")))
            .toList();
        assertThat(outside).allSatisfy((file) -> assertThat(Files.readString(file)).as(file.toString())
            .doesNotContain("com.kenai.jffi")
            .doesNotContain("LibraryLoader")
            .doesNotContain(".address()"));
    }

    /**
     * No JVM shutdown hook, no use of jnr-fuse's own mount()/umount() (a fixed 2 s wait, one hook per
     * mount, fusermount -u -z), and no child process from the engine's direct mount path.
     */
    @Test
    void mainSourcesHoldNoShutdownHookNoJnrFuseMountAndStartNoProcess() throws IOException {
        List<Path> sources = javaFiles(SOURCES);
        assertThat(sources).allSatisfy((file) -> {
            String text = Files.readString(file);
            assertThat(text).as(file.toString()).doesNotContain("addShutdownHook");
            assertThat(text).as(file.toString()).doesNotContainPattern("\\.mount\\(\\s*[A-Za-z_.]*[Pp]ath[^,)]*,\\s*(true|false)");
            assertThat(text).as(file.toString()).doesNotContain(".umount()");
            String name = file.getFileName().toString();
            if (!List.of("Fusermount.java", "HelperSpawn.java", "LibC.java").contains(name)) {
                // only the opt-in fusermount strategy may start a helper (LibC declares the binding)
                assertThat(text).as(file.toString())
                    .doesNotContain("ProcessBuilder")
                    .doesNotContain("Runtime.getRuntime().exec")
                    .doesNotContain("posix_spawn");
            }
        });
    }

    private static List<Path> javaFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter((file) -> file.toString().endsWith(".java")).toList();
        }
    }

}
