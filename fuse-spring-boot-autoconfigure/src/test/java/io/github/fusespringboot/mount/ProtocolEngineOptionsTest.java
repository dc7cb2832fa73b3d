package io.github.fusespringboot.mount;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.github.fusespringboot.mount.serve.ProtocolSession;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The libfuse options users pass, honoured by the protocol engine and observed through the kernel. */
@ExtendWith(FuseTestExtension.class)
class ProtocolEngineOptionsTest {

    private static FuseMount mount(FuseTestExtension.Fixture fx, OneFileFs fs, String... options) throws Exception {
        Path dir = fx.dir("options");
        return fx.manager()
            .mount(MountSpec.builder("options", dir, fs).options(List.of(options)).build());
    }

    @Test
    void negativeTimeoutCachesAMissingName(FuseTestExtension.Fixture fx) throws Exception {
        OneFileFs fs = new OneFileFs();
        try (FuseMount mount = mount(fx, fs, "negative_timeout=60")) {
            Path late = mount.mountPoint().resolve("late");
            assertThat(Files.exists(late)).isFalse();
            fs.lateExists = true; // behind the kernel's back
            assertThat(Files.exists(late)).isFalse(); // the kernel remembered the ENOENT
            assertThat(fs.lateLookups.get()).isEqualTo(1);
        }
    }

    @Test
    void withoutNegativeTimeoutAMissingNameIsAskedForAgain(FuseTestExtension.Fixture fx) throws Exception {
        OneFileFs fs = new OneFileFs();
        try (FuseMount mount = mount(fx, fs)) {
            Path late = mount.mountPoint().resolve("late");
            assertThat(Files.exists(late)).isFalse();
            fs.lateExists = true;
            assertThat(Files.exists(late)).isTrue();
        }
    }

    @Test
    void longAttrAndEntryTimeoutsServeRepeatedStatsFromTheKernelsCache(FuseTestExtension.Fixture fx)
            throws Exception {
        OneFileFs fs = new OneFileFs();
        try (FuseMount mount = mount(fx, fs, "attr_timeout=60", "entry_timeout=60")) {
            Path file = mount.mountPoint().resolve("f");
            for (int i = 0; i < 5; i++) {
                Files.readAttributes(file, PosixFileAttributes.class);
            }
            assertThat(fs.fileGetattrs.get()).isEqualTo(1); // the LOOKUP's
        }
    }

    @Test
    void zeroAttrAndEntryTimeoutsAskTheFilesystemEveryTime(FuseTestExtension.Fixture fx) throws Exception {
        OneFileFs fs = new OneFileFs();
        try (FuseMount mount = mount(fx, fs, "attr_timeout=0", "entry_timeout=0")) {
            Path file = mount.mountPoint().resolve("f");
            for (int i = 0; i < 5; i++) {
                Files.readAttributes(file, PosixFileAttributes.class);
            }
            assertThat(fs.fileGetattrs.get()).isGreaterThanOrEqualTo(5);
        }
    }

    @Test
    void uidGidAndUmaskOverrideWhatGetattrSays(FuseTestExtension.Fixture fx) throws Exception {
        OneFileFs fs = new OneFileFs();
        try (FuseMount mount = mount(fx, fs, "uid=1234", "gid=5678", "umask=027")) {
            Path file = mount.mountPoint().resolve("f");
            assertThat(Files.getAttribute(file, "unix:uid")).isEqualTo(1234);
            assertThat(Files.getAttribute(file, "unix:gid")).isEqualTo(5678);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rwxr-x---");
            assertThat(Files.isRegularFile(file)).isTrue(); // the type stays
        }
    }

    @Test
    void useInoShowsTheFilesystemsInodeNumbersAndWithoutItTheNodeIds(FuseTestExtension.Fixture fx)
            throws Exception {
        OneFileFs fs = new OneFileFs();
        try (FuseMount mount = mount(fx, fs, "use_ino")) {
            assertThat(Files.getAttribute(mount.mountPoint().resolve("f"), "unix:ino")).isEqualTo(OneFileFs.INO);
        }
        try (FuseMount mount = mount(fx, new OneFileFs())) {
            assertThat(Files.getAttribute(mount.mountPoint().resolve("f"), "unix:ino")).isNotEqualTo(OneFileFs.INO);
        }
    }

    @Test
    void readdirInoShowsTheNodeIdOfEntriesTheKernelKnows(FuseTestExtension.Fixture fx) throws Exception {
        try (FuseMount mount = mount(fx, new OneFileFs(), "readdir_ino")) {
            Object ino = Files.getAttribute(mount.mountPoint().resolve("f"), "unix:ino"); // a LOOKUP: now known
            assertThat(direntInode(mount.mountPoint(), "f")).isEqualTo(((Number) ino).longValue());
        }
        try (FuseMount mount = mount(fx, new OneFileFs())) {
            Files.getAttribute(mount.mountPoint().resolve("f"), "unix:ino");
            assertThat(direntInode(mount.mountPoint(), "f")).isEqualTo(0xffffffffL); // lib/fuse.c's unknown ino
        }
    }

    @Test
    void directIoSendsEveryReadToTheFilesystem(FuseTestExtension.Fixture fx) throws Exception {
        OneFileFs fs = new OneFileFs();
        try (FuseMount mount = mount(fx, fs, "direct_io")) {
            Path file = mount.mountPoint().resolve("f");
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                for (int i = 0; i < 3; i++) {
                    channel.read(ByteBuffer.allocate(4096), 0);
                }
            }
            assertThat(fs.reads.get()).isEqualTo(3);
        }
    }

    @Test
    void withoutDirectIoRepeatedReadsComeFromThePageCache(FuseTestExtension.Fixture fx) throws Exception {
        OneFileFs fs = new OneFileFs();
        try (FuseMount mount = mount(fx, fs)) {
            Path file = mount.mountPoint().resolve("f");
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                for (int i = 0; i < 3; i++) {
                    channel.read(ByteBuffer.allocate(4096), 0);
                }
            }
            assertThat(fs.reads.get()).isEqualTo(1);
        }
    }

    @Test
    void withoutKernelCacheEachOpenSeesNewContent(FuseTestExtension.Fixture fx) throws Exception {
        OneFileFs fs = new OneFileFs();
        try (FuseMount mount = mount(fx, fs)) {
            Path file = mount.mountPoint().resolve("f");
            assertThat(Files.readString(file)).isEqualTo("aaaa");
            fs.content = "bbbb"; // same size, same mtime
            assertThat(Files.readString(file)).isEqualTo("bbbb");
        }
    }

    @Test
    void kernelCacheKeepsThePageCacheAcrossOpens(FuseTestExtension.Fixture fx) throws Exception {
        OneFileFs fs = new OneFileFs();
        try (FuseMount mount = mount(fx, fs, "kernel_cache")) {
            Path file = mount.mountPoint().resolve("f");
            assertThat(Files.readString(file)).isEqualTo("aaaa");
            fs.content = "bbbb";
            fs.mtime++; // even a new mtime: kernel_cache trusts the cache
            assertThat(Files.readString(file)).isEqualTo("aaaa");
        }
    }

    @Test
    void autoCacheKeepsThePageCacheUntilMtimeOrSizeChange(FuseTestExtension.Fixture fx) throws Exception {
        OneFileFs fs = new OneFileFs();
        try (FuseMount mount = mount(fx, fs, "auto_cache")) {
            Path file = mount.mountPoint().resolve("f");
            assertThat(Files.readString(file)).isEqualTo("aaaa");
            fs.content = "bbbb"; // same size, same mtime: the cache is kept
            assertThat(Files.readString(file)).isEqualTo("aaaa");
            fs.mtime++;
            assertThat(Files.readString(file)).isEqualTo("bbbb");
        }
    }

    @Test
    void readdirplusLooksEachEntryUpWithTheListingSoAStatNeedsNoLookup(FuseTestExtension.Fixture fx)
            throws Exception {
        OneFileFs fs = new OneFileFs();
        try (FuseMount mount = mount(fx, fs, "readdirplus=yes", "attr_timeout=60", "entry_timeout=60")) {
            assertThat(mount.negotiated().orElseThrow().flags()).contains("DO_READDIRPLUS")
                .doesNotContain("READDIRPLUS_AUTO");
            ProtocolSession session = (ProtocolSession) mount.session();
            assertThat(session.nodeCount()).isEqualTo(1);
            assertThat(list(mount.mountPoint())).containsExactly("f");
            assertThat(session.nodeCount()).isEqualTo(2); // the root and f; "." and ".." add nothing
            assertThat(fs.fileGetattrs.get()).isEqualTo(1);
            Object ino = Files.getAttribute(mount.mountPoint().resolve("f"), "unix:ino");
            assertThat(fs.fileGetattrs.get()).isEqualTo(1); // the kernel had the entry: no LOOKUP
            assertThat(direntInode(mount.mountPoint(), "f")).isEqualTo(((Number) ino).longValue());
        }
    }

    @Test
    void withoutReaddirplusAListingLooksNothingUp(FuseTestExtension.Fixture fx) throws Exception {
        OneFileFs fs = new OneFileFs();
        try (FuseMount mount = mount(fx, fs)) {
            assertThat(mount.negotiated().orElseThrow().flags()).doesNotContain("DO_READDIRPLUS");
            assertThat(list(mount.mountPoint())).containsExactly("f");
            assertThat(((ProtocolSession) mount.session()).nodeCount()).isEqualTo(1);
            assertThat(fs.fileGetattrs.get()).isZero();
        }
    }

    @Test
    void readdirplusAutoLeavesTheChoiceToTheKernel(FuseTestExtension.Fixture fx) throws Exception {
        try (FuseMount mount = mount(fx, new OneFileFs(), "readdirplus=auto")) {
            assertThat(mount.negotiated().orElseThrow().flags()).contains("DO_READDIRPLUS", "READDIRPLUS_AUTO");
            assertThat(list(mount.mountPoint())).containsExactly("f");
        }
    }

    private static List<String> list(Path dir) throws Exception {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map((p) -> p.getFileName().toString()).toList();
        }
    }

    /** d_ino of {@code name} as readdir reports it (no stat), through Python's os.scandir. */
    private static long direntInode(Path dir, String name) throws Exception {
        Process python = new ProcessBuilder("python3", "-c",
                "import os,sys\nfor e in os.scandir(sys.argv[1]):\n  if e.name == sys.argv[2]: print(e.inode())",
                dir.toString(), name)
            .redirectErrorStream(true)
            .start();
        assertThat(python.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(python.exitValue()).as(out).isZero();
        return Long.parseLong(out);
    }

    /** A root with one 4-byte file "f" (content and mtime settable) and a name "late" that may appear. */
    static final class OneFileFs extends ManagedFuseStubFS {

        static final long INO = 4242;

        volatile String content = "aaaa";

        volatile long mtime = 1_000_000;

        volatile boolean lateExists;

        final AtomicInteger fileGetattrs = new AtomicInteger();

        final AtomicInteger lateLookups = new AtomicInteger();

        final AtomicInteger reads = new AtomicInteger();

        @Override
        public int getattr(String path, FileStat stat) {
            switch (path) {
                case "/" -> {
                    stat.st_mode.set(FileStat.S_IFDIR | 0755);
                    stat.st_nlink.set(2);
                }
                case "/f" -> {
                    this.fileGetattrs.incrementAndGet();
                    stat.st_mode.set(FileStat.S_IFREG | 0644);
                    stat.st_nlink.set(1);
                    stat.st_ino.set(INO);
                    stat.st_size.set(this.content.length());
                    stat.st_mtim.tv_sec.set(this.mtime);
                }
                case "/late" -> {
                    this.lateLookups.incrementAndGet();
                    if (!this.lateExists) {
                        return -ErrorCodes.ENOENT();
                    }
                    stat.st_mode.set(FileStat.S_IFREG | 0644);
                    stat.st_nlink.set(1);
                }
                default -> {
                    return -ErrorCodes.ENOENT();
                }
            }
            return 0;
        }

        @Override
        public int readdir(String path, Pointer buf, FuseFillDir filler, long offset, FuseFileInfo fi) {
            filler.apply(buf, ".", null, 0);
            filler.apply(buf, "..", null, 0);
            filler.apply(buf, "f", null, 0);
            return 0;
        }

        @Override
        public int open(String path, FuseFileInfo fi) {
            return 0;
        }

        @Override
        public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
            this.reads.incrementAndGet();
            byte[] bytes = this.content.getBytes(StandardCharsets.UTF_8);
            if (offset >= bytes.length) {
                return 0;
            }
            int count = (int) Math.min(size, bytes.length - offset);
            buf.put(0, bytes, (int) offset, count);
            return count;
        }

    }

}
