// PassthroughFilesystem through the kernel: what a program does in the mount is what the backing directory shows.
package io.github.fusespringboot.samples.passthrough;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.MountSpec;
import jnr.ffi.Pointer;
import io.github.fusespringboot.test.FuseMountTest;
import io.github.fusespringboot.test.FuseMounts;
import org.junit.jupiter.api.Test;
import ru.serce.jnrfuse.struct.FuseFileInfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** Real mounts of {@link PassthroughFilesystem}, used through java.nio, checked on both sides. */
@FuseMountTest
class PassthroughFilesystemTests {

    private Path backing;

    private Path mnt;

    private PassthroughFilesystem filesystem;

    private FuseMount mount(FuseMounts mounts) throws IOException {
        this.backing = Files.createDirectories(mounts.directory().resolve("backing"));
        this.mnt = mounts.directory().resolve("mnt");
        this.filesystem = new PassthroughFilesystem(this.backing);
        return mounts.manager()
            .mount(MountSpec.builder("passthrough", this.mnt, this.filesystem).createMountPoint(true).build());
    }

    @Test
    void writesReadsAppendsAndTruncatesFilesInTheBackingDirectory(FuseMounts mounts) throws Exception {
        try (FuseMount mount = mount(mounts)) {
            Path file = this.mnt.resolve("notes.txt");
            Files.writeString(file, "hello");
            assertThat(Files.readString(file)).isEqualTo("hello");
            assertThat(Files.readString(this.backing.resolve("notes.txt"))).isEqualTo("hello");

            Files.writeString(file, ", world", StandardOpenOption.APPEND);
            assertThat(Files.readString(this.backing.resolve("notes.txt"))).isEqualTo("hello, world");

            Files.writeString(file, "bye"); // CREATE + TRUNCATE_EXISTING
            assertThat(Files.readString(this.backing.resolve("notes.txt"))).isEqualTo("bye");

            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(2); // ftruncate, shrinking
            }
            assertThat(Files.readString(this.backing.resolve("notes.txt"))).isEqualTo("by");
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(5); // ftruncate, growing: zeros
            }
            assertThat(Files.readAllBytes(this.backing.resolve("notes.txt"))).containsExactly('b', 'y', 0, 0, 0);
            assertThat(Files.size(file)).isEqualTo(5);

            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(new byte[] { 'Y' }), 1); // a write in the middle
            }
            assertThat(Files.readAllBytes(this.backing.resolve("notes.txt"))).containsExactly('b', 'Y', 0, 0, 0);
        }
    }

    @Test
    void createsRenamesAndDeletesFilesAndDirectories(FuseMounts mounts) throws Exception {
        try (FuseMount mount = mount(mounts)) {
            Files.createDirectories(this.mnt.resolve("a/b"));
            Files.writeString(this.mnt.resolve("a/b/one"), "1");
            Files.writeString(this.mnt.resolve("a/two"), "2");
            assertThat(this.backing.resolve("a/b")).isDirectory();
            assertThat(names(this.mnt.resolve("a"))).containsExactly("b", "two");

            Files.move(this.mnt.resolve("a/b/one"), this.mnt.resolve("a/moved"));
            assertThat(this.backing.resolve("a/b/one")).doesNotExist();
            assertThat(this.backing.resolve("a/moved")).hasContent("1");

            // rename(2) replaces an existing file atomically
            Files.move(this.mnt.resolve("a/two"), this.mnt.resolve("a/moved"), StandardCopyOption.ATOMIC_MOVE);
            assertThat(this.backing.resolve("a/moved")).hasContent("2");
            assertThat(this.backing.resolve("a/two")).doesNotExist();

            Files.move(this.mnt.resolve("a/b"), this.mnt.resolve("c"));
            assertThat(this.backing.resolve("c")).isDirectory();

            Files.delete(this.mnt.resolve("a/moved"));
            Files.delete(this.mnt.resolve("a"));
            Files.delete(this.mnt.resolve("c"));
            assertThat(names(this.backing)).isEmpty();
            assertThat(names(this.mnt)).isEmpty();
        }
    }

    @Test
    void failuresCarryTheBackingFilesystemsErrno(FuseMounts mounts) throws Exception {
        try (FuseMount mount = mount(mounts)) {
            Files.createDirectories(this.mnt.resolve("dir"));
            Files.writeString(this.mnt.resolve("dir/file"), "x");

            assertThatExceptionOfType(NoSuchFileException.class)
                .isThrownBy(() -> Files.readString(this.mnt.resolve("missing")));
            assertThatExceptionOfType(NoSuchFileException.class)
                .isThrownBy(() -> Files.delete(this.mnt.resolve("missing")));
            assertThatExceptionOfType(FileAlreadyExistsException.class)
                .isThrownBy(() -> Files.createDirectory(this.mnt.resolve("dir")));
            assertThatExceptionOfType(FileAlreadyExistsException.class)
                .isThrownBy(() -> Files.writeString(this.mnt.resolve("dir/file"), "y", StandardOpenOption.CREATE_NEW));
            assertThatExceptionOfType(DirectoryNotEmptyException.class)
                .isThrownBy(() -> Files.delete(this.mnt.resolve("dir")));
            assertThatExceptionOfType(FileSystemException.class)
                .isThrownBy(() -> Files.writeString(this.mnt.resolve("dir/file/below"), "z"))
                .satisfies((ex) -> assertThat(ex.getReason()).isEqualTo("Not a directory"));
            assertThatExceptionOfType(FileSystemException.class)
                .isThrownBy(() -> FileChannel.open(this.mnt.resolve("dir"), StandardOpenOption.WRITE))
                .satisfies((ex) -> assertThat(ex.getReason()).isEqualTo("Is a directory"));
            assertThat(this.backing.resolve("dir/file")).hasContent("x");
        }
    }

    @Test
    void attributesAreTheBackingFilesAndChangesGoThrough(FuseMounts mounts) throws Exception {
        try (FuseMount mount = mount(mounts)) {
            Path file = this.mnt.resolve("file");
            Files.write(file, new byte[1234]);
            assertThat(Files.size(file)).isEqualTo(1234);

            Files.setAttribute(file, "unix:mode", 04750);
            assertThat(Files.getAttribute(this.backing.resolve("file"), "unix:mode")).isEqualTo(0104750);
            assertThat(Files.getAttribute(file, "unix:mode")).isEqualTo(0104750);

            FileTime time = FileTime.from(Instant.parse("2001-02-03T04:05:06.123456789Z"));
            Files.setLastModifiedTime(file, time); // utimens
            assertThat(Files.getLastModifiedTime(this.backing.resolve("file"))).isEqualTo(time);
            assertThat(Files.getLastModifiedTime(file)).isEqualTo(time);

            Files.createDirectory(this.mnt.resolve("dir"));
            assertThat(Files.getAttribute(this.mnt.resolve("dir"), "unix:nlink")).isEqualTo(2);

            // changes made directly in the backing directory show through
            Files.writeString(this.backing.resolve("direct"), "from outside");
            assertThat(Files.readString(this.mnt.resolve("direct"))).isEqualTo("from outside");
            assertThat(names(this.mnt)).isEqualTo(names(this.backing)).containsExactly("dir", "direct", "file");

            Files.createSymbolicLink(this.mnt.resolve("link"), Path.of("file"));
            assertThat(Files.readSymbolicLink(this.backing.resolve("link"))).isEqualTo(Path.of("file"));
            assertThat(Files.isSymbolicLink(this.mnt.resolve("link"))).isTrue();
            assertThat(Files.size(this.mnt.resolve("link"))).isEqualTo(1234); // followed by the kernel

            assertThat(Files.getFileStore(this.mnt).getTotalSpace())
                .isEqualTo(Files.getFileStore(this.backing).getTotalSpace());
        }
    }

    @Test
    void bigWritesArriveWholeInBigRequests(FuseMounts mounts) throws Exception {
        byte[] content = new byte[8 * 1024 * 1024];
        new SplittableRandom(42).nextBytes(content);
        this.backing = Files.createDirectories(mounts.directory().resolve("backing"));
        this.mnt = mounts.directory().resolve("mnt");
        WriteSizeRecorder recorder = new WriteSizeRecorder(this.backing);
        try (FuseMount mount = mounts.manager()
            .mount(MountSpec.builder("passthrough", this.mnt, recorder).createMountPoint(true).build())) {
            Path file = this.mnt.resolve("big.bin");
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            String expected = JournalingWriter.sha256(content);
            assertThat(JournalingWriter.sha256(Files.readAllBytes(this.backing.resolve("big.bin"))))
                .isEqualTo(expected);
            assertThat(JournalingWriter.sha256(Files.readAllBytes(file))).isEqualTo(expected);
        }
        // large writes arrive as large requests (up to the engine's max_write), not 4 KiB at a time
        assertThat(recorder.largestWrite).isGreaterThan(4096);
    }

    /** Remembers the largest write request the kernel sent. */
    static class WriteSizeRecorder extends PassthroughFilesystem {

        volatile long largestWrite;

        WriteSizeRecorder(Path backingDir) {
            super(backingDir);
        }

        @Override
        public int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
            this.largestWrite = Math.max(this.largestWrite, size);
            return super.write(path, buf, size, offset, fi);
        }

    }

    @Test
    void everyHandleIsReleasedOnceItsFileIsClosed(FuseMounts mounts) throws Exception {
        try (FuseMount mount = mount(mounts)) {
            for (int i = 0; i < 20; i++) {
                Files.writeString(this.mnt.resolve("f" + i), "x" + i);
                assertThat(Files.readString(this.mnt.resolve("f" + i))).isEqualTo("x" + i);
            }
            // the kernel sends RELEASE after close(2) returns, so give it a moment
            await().atMost(Duration.ofSeconds(10)).until(() -> this.filesystem.openFiles() == 0);
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map((entry) -> entry.getFileName().toString()).sorted().toList();
        }
    }

}
