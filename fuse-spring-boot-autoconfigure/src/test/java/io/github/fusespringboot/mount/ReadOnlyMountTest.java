package io.github.fusespringboot.mount;

import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.examples.MemoryFS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** readOnly(true) mounts with MS_RDONLY: the kernel answers every write with EROFS, reads still work. */
@ExtendWith(FuseTestExtension.class)
class ReadOnlyMountTest {

    private static final String EROFS = "Read-only file system";

    @Test
    void readOnlyMountRejectsEveryKindOfWriteWithErofs(FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("ro");
        // MemoryFS would accept all of these writes: only the mount flag can refuse them
        try (FuseMount mount = fx.manager()
            .mount(MountSpec.builder("ro", dir, new MemoryFS()).readOnly(true).build())) {
            Path existing = dir.resolve("Sample file.txt");
            assertThat(Files.readString(existing)).isEqualTo("Hello there, feel free to look around.\n");

            assertErofs(() -> Files.writeString(dir.resolve("new.txt"), "x"));
            assertErofs(() -> Files.writeString(existing, "x", StandardOpenOption.APPEND));
            assertErofs(() -> Files.writeString(existing, "x", StandardOpenOption.TRUNCATE_EXISTING));
            assertErofs(() -> Files.createDirectory(dir.resolve("newdir")));
            assertErofs(() -> Files.delete(existing));
            assertErofs(() -> Files.move(existing, dir.resolve("moved.txt")));

            assertThat(Files.readString(existing)).as("nothing changed").isEqualTo(
                    "Hello there, feel free to look around.\n");
            assertThat(Files.exists(dir.resolve("new.txt"))).isFalse();
            assertThat(mount.callbackErrors()).isZero();
        }
    }

    private static void assertErofs(ThrowingWrite write) {
        FileSystemException error = catchThrowableOfType(write::run, FileSystemException.class);
        assertThat(error).as("the write must fail").isNotNull();
        assertThat(error.getReason()).isEqualTo(EROFS);
        assertThat(error.getMessage()).contains(EROFS);
    }

    @FunctionalInterface
    interface ThrowingWrite {

        void run() throws Exception;

    }

}
