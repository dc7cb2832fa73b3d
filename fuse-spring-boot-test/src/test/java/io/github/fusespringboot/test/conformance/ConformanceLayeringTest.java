package io.github.fusespringboot.test.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Only the kit's natives package binds libc or touches native memory, and the kit needs no Spring. */
class ConformanceLayeringTest {

    private static final Path KIT = Path.of("src/main/java/io/github/fusespringboot/test/conformance");

    @Test
    void onlyTheNativesPackageBindsLibcOrTouchesNativeMemory() throws IOException {
        List<Path> outside = javaFiles(KIT).stream().filter((file) -> !file.startsWith(KIT.resolve("natives"))).toList();
        assertThat(outside).extracting((file) -> file.getFileName().toString())
            .contains("FuseConformance.java", "Posix.java", "Caller.java");
        assertThat(outside).allSatisfy((file) -> assertThat(Files.readString(file)).as(file.toString())
            .doesNotContain("jnr.ffi")
            .doesNotContain("com.kenai.jffi")
            .doesNotContain("LibraryLoader")
            .doesNotContain(".address()")
            .doesNotContain("io.github.fusespringboot.mount.natives"));
    }

    @Test
    void theKitImportsNeitherSpringNorTheEngine() throws IOException {
        assertThat(javaFiles(KIT)).allSatisfy((file) -> assertThat(Files.readString(file)).as(file.toString())
            .doesNotContain("org.springframework")
            .doesNotContain("import io.github.fusespringboot.mount"));
    }

    private static List<Path> javaFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter((file) -> file.toString().endsWith(".java")).toList();
        }
    }

}
