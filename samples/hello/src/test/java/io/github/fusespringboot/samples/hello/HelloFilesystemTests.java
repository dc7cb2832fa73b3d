// HelloFilesystem mounted read-write: the filesystem itself, not the mount flag, refuses every change with EROFS.
package io.github.fusespringboot.samples.hello;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;

import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.MountManager;
import io.github.fusespringboot.mount.MountSpec;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** A real mount without {@code ro}, so every change reaches {@link HelloFilesystem} and must be refused there. */
class HelloFilesystemTests {

    private static final Path ROOT = Path.of(System.getProperty("fuse.test.root", "/tmp/fuse-spring-boot-tests"));

    private final MountManager manager = new MountManager();

    private Path dir;

    private Path mnt;

    private FuseMount mount;

    @BeforeEach
    void mount() throws IOException {
        this.dir = Files.createTempDirectory(Files.createDirectories(ROOT), "hello-");
        this.mnt = this.dir.resolve("mnt");
        this.mount = this.manager
            .mount(MountSpec.builder("hello", this.mnt, new HelloFilesystem("hi\n")).createMountPoint(true).build());
    }

    @AfterEach
    void unmount() throws IOException {
        this.mount.close();
        Files.deleteIfExists(this.mnt);
        Files.delete(this.dir);
    }

    @Test
    void readsWhatItServes() throws IOException {
        assertThat(Files.readString(this.mnt.resolve("hello.txt"))).isEqualTo("hi\n");
        assertThat(mountOptions()).doesNotContain("ro");
    }

    @Test
    void everyChangeIsRefusedWithReadOnlyFileSystem() {
        Path file = this.mnt.resolve("hello.txt");
        Path other = this.mnt.resolve("other");
        List<ThrowingCallable> changes = List.of(() -> Files.writeString(file, "changed"),
                () -> Files.writeString(file, "more", StandardOpenOption.APPEND),
                () -> Files.writeString(other, "new"), () -> Files.createDirectory(other),
                () -> Files.delete(file), () -> Files.move(file, other), () -> Files.createLink(other, file),
                () -> Files.createSymbolicLink(other, file), () -> Files.setAttribute(file, "unix:mode", 0600),
                () -> Files.setAttribute(file, "unix:uid", 1),
                () -> Files.setLastModifiedTime(file, FileTime.fromMillis(0)),
                () -> Files.getFileAttributeView(file, UserDefinedFileAttributeView.class)
                    .write("x", StandardCharsets.UTF_8.encode("y")));
        for (ThrowingCallable change : changes) {
            assertThatExceptionOfType(FileSystemException.class).isThrownBy(change)
                .satisfies((ex) -> assertThat(ex.getReason()).endsWith("Read-only file system"));
        }
        assertThat(this.mnt.resolve("other")).doesNotExist();
    }

    @Test
    void aFileIsNotADirectory() {
        assertThatExceptionOfType(FileSystemException.class)
            .isThrownBy(() -> Files.readString(this.mnt.resolve("hello.txt/below")))
            .satisfies((ex) -> assertThat(ex.getReason()).isEqualTo("Not a directory"));
    }

    private String mountOptions() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo"))
            .stream()
            .filter((line) -> line.split(" ")[4].equals(this.mnt.toString()))
            .map((line) -> line.split(" ")[5])
            .findFirst()
            .orElseThrow();
    }

}
