// MemoryFilesystem through the kernel: the errors a local filesystem gives, and what it declares unsupported.
package io.github.fusespringboot.samples.hello;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.MountManager;
import io.github.fusespringboot.mount.MountSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** A real mount of {@link MemoryFilesystem}, with the options {@link HelloApplication} gives it. */
class MemoryFilesystemTests {

    private static final Path ROOT = Path.of(System.getProperty("fuse.test.root", "/tmp/fuse-spring-boot-tests"));

    private final MountManager manager = new MountManager();

    private Path dir;

    private Path mnt;

    private FuseMount mount;

    @BeforeEach
    void mount() throws IOException {
        this.dir = Files.createTempDirectory(Files.createDirectories(ROOT), "memory-");
        this.mnt = this.dir.resolve("mnt");
        this.mount = this.manager.mount(MountSpec.builder("memory", this.mnt, new MemoryFilesystem())
            .createMountPoint(true)
            .option("attr_timeout=0")
            .option("use_ino")
            .build());
    }

    @AfterEach
    void unmount() throws IOException {
        this.mount.close();
        Files.deleteIfExists(this.mnt);
        Files.delete(this.dir);
    }

    @Test
    void filesGrowShrinkAndKeepWhatWasWritten() throws IOException {
        Path file = Files.writeString(this.mnt.resolve("file"), "hello");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(8);
            raf.seek(6);
            raf.write('!');
        }
        assertThat(Files.readAllBytes(file)).containsExactly('h', 'e', 'l', 'l', 'o', 0, '!', 0);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(2);
            raf.setLength(4); // what was cut off does not come back
        }
        assertThat(Files.readAllBytes(file)).containsExactly('h', 'e', 0, 0);
        FileTime time = FileTime.from(Instant.parse("2001-02-03T04:05:06.123456789Z"));
        Files.setLastModifiedTime(file, time);
        assertThat(Files.getLastModifiedTime(file)).isEqualTo(time);
        Files.setAttribute(file, "unix:mode", 0640);
        assertThat(Files.getAttribute(file, "unix:mode")).isEqualTo(0100640);
    }

    @Test
    void namesFailAsOnALocalFilesystem() throws IOException {
        Path dir = Files.createDirectory(this.mnt.resolve("dir"));
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThatExceptionOfType(FileAlreadyExistsException.class).isThrownBy(() -> Files.createDirectory(dir));
        assertThatExceptionOfType(DirectoryNotEmptyException.class).isThrownBy(() -> Files.delete(dir));
        assertThatExceptionOfType(NoSuchFileException.class)
            .isThrownBy(() -> Files.writeString(this.mnt.resolve("missing/file"), "x"));
        assertThat(reason(() -> Files.writeString(file.resolve("below"), "x"))).isEqualTo("Not a directory");

        Path other = Files.createDirectory(this.mnt.resolve("other"));
        Files.writeString(other.resolve("inside"), "y");
        assertThatExceptionOfType(DirectoryNotEmptyException.class)
            .isThrownBy(() -> Files.move(this.mnt.resolve("dir"), other, StandardCopyOption.REPLACE_EXISTING));
        assertThat(reason(() -> Files.move(file, other, StandardCopyOption.ATOMIC_MOVE))).isEqualTo("Is a directory");

        Files.writeString(this.mnt.resolve("replaced"), "old");
        Files.move(file, this.mnt.resolve("replaced"), StandardCopyOption.ATOMIC_MOVE);
        assertThat(Files.readString(this.mnt.resolve("replaced"))).isEqualTo("x");
        assertThat(Files.getAttribute(this.mnt, "unix:nlink")).isEqualTo(4); // ., .., dir, other
        Files.delete(dir);
        assertThat(Files.getAttribute(this.mnt, "unix:nlink")).isEqualTo(3);
    }

    @Test
    void hardLinksSymbolicLinksAndFifos() throws Exception {
        Path first = Files.writeString(this.mnt.resolve("first"), "x");
        Path second = Files.createLink(this.mnt.resolve("second"), first);
        assertThat(Files.getAttribute(first, "unix:nlink")).isEqualTo(2);
        Files.writeString(second, "through the other name");
        assertThat(Files.readString(first)).isEqualTo("through the other name");
        Files.delete(first);
        assertThat(Files.getAttribute(second, "unix:nlink")).isEqualTo(1);

        Path link = Files.createSymbolicLink(this.mnt.resolve("link"), Path.of("second"));
        assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of("second"));
        assertThat(Files.readString(link)).isEqualTo("through the other name");

        Process mkfifo = new ProcessBuilder("mkfifo", this.mnt.resolve("fifo").toString()).start();
        assertThat(mkfifo.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(mkfifo.exitValue()).isZero();
        assertThat(Files.getAttribute(this.mnt.resolve("fifo"), "unix:mode")).isEqualTo(0010644);
    }

    @Test
    void whatItDoesNotSupportIsRefusedWithTheErrnoThatSaysSo() {
        // extended attributes: ENOSYS from the filesystem, which the kernel answers as EOPNOTSUPP
        UserDefinedFileAttributeView view = Files.getFileAttributeView(this.mnt, UserDefinedFileAttributeView.class);
        assertThat(reason(() -> view.write("x", StandardCharsets.UTF_8.encode("y"))))
            .endsWith("Operation not supported");
        // device nodes: EPERM
        ProcessBuilder mknod = new ProcessBuilder("mknod", this.mnt.resolve("null").toString(), "c", "1", "3");
        assertThat(reason(() -> {
            Process process = mknod.redirectErrorStream(true).start();
            process.waitFor(30, TimeUnit.SECONDS);
            throw new FileSystemException(null, null, new String(process.getInputStream().readAllBytes()).trim());
        })).endsWith("Operation not permitted");
    }

    private interface Call {

        void run() throws Exception;

    }

    private static String reason(Call call) {
        try {
            call.run();
        }
        catch (FileSystemException ex) {
            return ex.getReason();
        }
        catch (Exception ex) {
            throw new AssertionError(ex);
        }
        throw new AssertionError("no error");
    }

}
