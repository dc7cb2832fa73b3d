package io.github.fusespringboot.mount;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.examples.MemoryFS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** jnr-fuse's MemoryFS example, unchanged, driven through the kernel with java.nio. */
@ExtendWith(FuseTestExtension.class)
class MemoryFsTest {

    @Test
    void memoryFsSupportsCreateWriteReadRenameDeleteMkdirAndReaddir(FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("memory");
        try (FuseMount mount = fx.manager().mount(MountSpec.builder("memory", dir, new MemoryFS()).build())) {
            // readdir: the files MemoryFS starts with
            assertThat(list(dir)).contains("Sample file.txt", "Sample directory", "Directory with files");
            assertThat(Files.readString(dir.resolve("Sample file.txt")))
                .isEqualTo("Hello there, feel free to look around.\n");

            // create + write + read back
            Path file = dir.resolve("notes.txt");
            Files.writeString(file, "first line\n", StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            assertThat(Files.readString(file)).isEqualTo("first line\n");
            Files.writeString(file, "second line\n", StandardOpenOption.APPEND);
            assertThat(Files.readAllLines(file)).containsExactly("first line", "second line");
            assertThat(Files.size(file)).isEqualTo(23);
            assertThat(Files.isRegularFile(file)).isTrue();

            // overwrite (O_TRUNC) with something bigger than one write request
            byte[] big = new byte[1 << 20];
            new Random(42).nextBytes(big);
            Files.write(file, big);
            assertThat(Files.readAllBytes(file)).isEqualTo(big);

            // rename
            Path renamed = dir.resolve("renamed.txt");
            Files.move(file, renamed);
            assertThat(Files.exists(file)).isFalse();
            assertThat(Files.readAllBytes(renamed)).isEqualTo(big);
            assertThat(list(dir)).contains("renamed.txt").doesNotContain("notes.txt");

            // mkdir, a file in it, readdir of it
            Path sub = Files.createDirectory(dir.resolve("sub"));
            assertThat(Files.isDirectory(sub)).isTrue();
            Files.writeString(sub.resolve("inner.txt"), "inside", StandardCharsets.UTF_8);
            assertThat(list(sub)).containsExactly("inner.txt");
            assertThat(Files.readString(sub.resolve("inner.txt"))).isEqualTo("inside");

            // move into the directory
            Files.move(renamed, sub.resolve("moved.txt"));
            assertThat(list(sub)).containsExactlyInAnyOrder("inner.txt", "moved.txt");
            assertThat(Files.size(sub.resolve("moved.txt"))).isEqualTo(big.length);

            // delete files, then the directory
            // (MemoryFS's rmdir does not check for emptiness, so the files go first)
            Files.delete(sub.resolve("inner.txt"));
            Files.delete(sub.resolve("moved.txt"));
            assertThat(list(sub)).isEmpty();
            Files.delete(sub);
            assertThat(Files.exists(sub)).isFalse();
            assertThatExceptionOfType(NoSuchFileException.class).isThrownBy(() -> Files.delete(sub));
            assertThat(list(dir)).doesNotContain("sub", "renamed.txt", "notes.txt");
            assertThat(mount.callbackErrors()).isZero();
        }
        assertThat(MountTable.read().find(dir)).isEmpty();
        assertThat(list(dir)).as("the directory is empty again once unmounted").isEmpty();
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map((p) -> p.getFileName().toString()).toList();
        }
    }

}
