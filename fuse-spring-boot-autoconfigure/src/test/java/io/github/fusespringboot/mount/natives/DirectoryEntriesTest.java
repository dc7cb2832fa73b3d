package io.github.fusespringboot.mount.natives;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/** The mount point's emptiness check and statx's type and mode, on plain directories. */
class DirectoryEntriesTest {

    @TempDir
    Path dir;

    @BeforeEach
    void needsLibc() {
        assumeThat(DirectoryEntries.isAvailable()).as("getdents64 in this libc").isTrue();
    }

    @Test
    void anEmptyDirectoryHasNoEntries() {
        assertThat(DirectoryEntries.hasEntries(this.dir.toString())).isFalse();
    }

    @Test
    void namesThatOnlyStartLikeDotAndDotDotAreEntries() throws Exception {
        for (String name : new String[] { ".hidden", "..x", "..." }) {
            Path entry = Files.createFile(this.dir.resolve(name));
            assertThat(DirectoryEntries.hasEntries(this.dir.toString())).as(name).isTrue();
            Files.delete(entry);
        }
        assertThat(DirectoryEntries.hasEntries(this.dir.toString())).isFalse();
    }

    @Test
    void anEntryPastTheFirstBufferIsFound() throws Exception {
        Path big = Files.createDirectory(this.dir.resolve("big"));
        for (int i = 0; i < 400; i++) {
            Files.createFile(big.resolve("entry-with-a-rather-long-name-" + i));
        }
        assertThat(DirectoryEntries.hasEntries(big.toString())).isTrue();
    }

    @Test
    void aMissingDirectoryOrAFileIsAnError() throws Exception {
        assertThatThrownBy(() -> DirectoryEntries.hasEntries(this.dir.resolve("missing").toString()))
            .isInstanceOf(NativeCallException.class)
            .satisfies((ex) -> assertThat(((NativeCallException) ex).errno()).isEqualTo(Errno.ENOENT));
        Path file = Files.createFile(this.dir.resolve("file"));
        assertThatThrownBy(() -> DirectoryEntries.hasEntries(file.toString()))
            .isInstanceOf(NativeCallException.class)
            .hasMessageContaining(file.toString());
    }

    @Test
    void statxSaysTypeAndModeWithoutFollowingLinks() throws Exception {
        assumeThat(KernelMounts.isAvailable()).as("statx with unique mount ids").isTrue();
        Path open = Files.createDirectory(this.dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        KernelMounts.PathMount stat = KernelMounts.statx(open.toString());
        assertThat(stat.ok()).isTrue();
        assertThat(stat.isDirectory()).isTrue();
        assertThat(stat.mode() & 0777).isEqualTo(0777);
        Path link = Files.createSymbolicLink(this.dir.resolve("link"), open);
        assertThat(KernelMounts.statx(link.toString()).isDirectory()).as("a link to a directory").isFalse();
        assertThat(KernelMounts.statx(Files.createFile(this.dir.resolve("f")).toString()).isDirectory()).isFalse();
        assertThat(KernelMounts.statx(this.dir.resolve("missing").toString()).errno()).isEqualTo(Errno.ENOENT);
    }

}
