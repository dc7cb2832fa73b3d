package io.github.fusespringboot.mount;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import io.github.fusespringboot.mount.protocol.InitFlags;
import io.github.fusespringboot.mount.protocol.InitNegotiation;
import io.github.fusespringboot.mount.protocol.Opcode;
import io.github.fusespringboot.mount.serve.ProtocolSession;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.examples.HelloFuse;
import ru.serce.jnrfuse.examples.MemoryFS;
import ru.serce.jnrfuse.struct.FuseFileInfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The protocol engine (no libfuse on the request path) serving jnr-fuse filesystems through the kernel. */
@ExtendWith(FuseTestExtension.class)
class ProtocolEngineTest {

    private static MountSpec.Builder spec(String name, Path dir, ru.serce.jnrfuse.FuseFS fs) {
        return MountSpec.builder(name, dir, fs);
    }

    @Test
    void helloFuseMountsServesAndUnmountsWithTheNegotiatedProtocol(FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("hello");
        try (FuseMount mount = fx.manager().mount(spec("hello", dir, new HelloFuse()).build())) {
            assertThat(mount.session()).isInstanceOf(ProtocolSession.class);
            InitNegotiation.Outcome init = ((ProtocolSession) mount.session()).negotiated();
            assertThat(init.major()).isEqualTo(7);
            assertThat(init.minor()).isEqualTo(InitNegotiation.MINOR); // the kernel (6.x) knows more
            assertThat(init.maxWrite()).isEqualTo(1 << 20);
            assertThat(init.maxPages()).isEqualTo(256);
            assertThat(InitFlags.names(init.flags())).contains("ASYNC_READ", "BIG_WRITES", "PARALLEL_DIROPS",
                    "MAX_PAGES", "INIT_EXT")
                // HelloFuse cannot truncate, so O_TRUNC stays with the kernel's SETATTR
                .doesNotContain("ATOMIC_O_TRUNC", "WRITEBACK_CACHE", "DO_READDIRPLUS", "POSIX_LOCKS", "FLOCK_LOCKS", "SPLICE_READ",
                        "EXPORT_SUPPORT", "POSIX_ACL");
            assertThat(list(dir)).containsExactly("hello");
            assertThat(Files.readString(dir.resolve("hello"))).isEqualTo("Hello World!");
            assertThat(mount.callbackErrors()).isZero();
        }
        assertThat(MountTable.read().find(dir)).isEmpty();
        assertThat(FuseTestExtension.openFuseDescriptors()).isEmpty();
    }

    @Test
    void memoryFsCreatesWritesRenamesAndDeletesThroughTheKernel(FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("memory");
        try (FuseMount mount = fx.manager().mount(spec("memory", dir, new MemoryFS()).build())) {
            assertThat(InitFlags.names(((ProtocolSession) mount.session()).negotiated().flags()))
                .contains("ATOMIC_O_TRUNC");
            assertThat(list(dir)).contains("Sample file.txt", "Sample directory", "Directory with files");
            Path file = dir.resolve("notes.txt");
            Files.writeString(file, "first\n", StandardOpenOption.CREATE_NEW);
            Files.writeString(file, "second\n", StandardOpenOption.APPEND);
            assertThat(Files.readAllLines(file)).containsExactly("first", "second");
            byte[] big = new byte[3 << 20];
            new Random(7).nextBytes(big);
            Files.write(file, big);
            assertThat(Files.readAllBytes(file)).isEqualTo(big);
            Files.writeString(file, "short"); // O_TRUNC, answered by the engine (atomic O_TRUNC)
            assertThat(Files.readString(file)).isEqualTo("short");
            Path sub = Files.createDirectory(dir.resolve("sub"));
            Files.move(file, sub.resolve("moved.txt"));
            assertThat(Files.exists(file)).isFalse();
            assertThat(Files.readString(sub.resolve("moved.txt"))).isEqualTo("short");
            Files.delete(sub.resolve("moved.txt"));
            Files.delete(sub);
            assertThat(list(dir)).doesNotContain("sub", "notes.txt");
            assertThat(mount.callbackErrors()).isZero();
        }
        assertThat(MountTable.read().find(dir)).isEmpty();
    }

    @Test
    void writesArriveInOneMebibyteRequestsAndTheCallersContextIsSeen(FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("sink");
        SinkFs sink = new SinkFs();
        try (FuseMount mount = fx.manager().mount(spec("sink", dir, sink).build())) {
            PosixFileAttributes attributes = Files.readAttributes(dir.resolve("sink"), PosixFileAttributes.class);
            assertThat(attributes.owner().getName()).isEqualTo("root"); // getattr used getContext().uid
            ByteBuffer chunk = ByteBuffer.allocateDirect(4 << 20);
            try (FileChannel channel = FileChannel.open(dir.resolve("sink"), StandardOpenOption.WRITE)) {
                while (chunk.hasRemaining()) {
                    channel.write(chunk); // one write(2) of 4 MiB
                }
            }
            assertThat(sink.largestWrite.get()).isEqualTo(1 << 20); // libfuse2 caps this at 128 KiB
            assertThat(sink.written.get()).isEqualTo(4 << 20);
            // the kernel sends the calling thread's id, as libfuse reports it: one of this JVM's threads
            assertThat(Path.of("/proc/self/task", Long.toString(sink.callerPid.get()))).exists();
        }
    }

    @Test
    void anOpcodeTheEngineDoesNotKnowIsAnsweredEnosysAndTheKernelFallsBack(FuseTestExtension.Fixture fx)
            throws Exception {
        Path dir = fx.dir("copy");
        try (FuseMount mount = fx.manager().mount(spec("copy", dir, new MemoryFS()).build())) {
            Path from = dir.resolve("from.txt");
            Files.writeString(from, "copied by the kernel's fallback\n");
            // coreutils cp tries copy_file_range first: FUSE_COPY_FILE_RANGE, which the engine does not know
            Process cp = new ProcessBuilder("cp", from.toString(), dir.resolve("to.txt").toString())
                .redirectErrorStream(true)
                .start();
            assertThat(cp.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(cp.exitValue()).as(new String(cp.getInputStream().readAllBytes())).isZero();
            assertThat(Files.readString(dir.resolve("to.txt"))).isEqualTo("copied by the kernel's fallback\n");
            ProtocolSession session = (ProtocolSession) mount.session();
            assertThat(session.unimplementedAnswers(Opcode.COPY_FILE_RANGE)).isEqualTo(1); // then the kernel stops asking
        }
    }

    @Test
    void anOpenFileUnlinkedStaysReadableUnderAHiddenNameUntilClosed(FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("hide");
        try (FuseMount mount = fx.manager().mount(spec("hide", dir, new MemoryFS()).build())) {
            Path file = dir.resolve("open.txt");
            Files.writeString(file, "still here");
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                Files.delete(file);
                assertThat(Files.exists(file)).isFalse();
                assertThat(list(dir)).anyMatch((name) -> name.startsWith(".fuse_hidden"));
                ByteBuffer content = ByteBuffer.allocate(64);
                channel.read(content, 0);
                assertThat(new String(content.array(), 0, content.position(), StandardCharsets.UTF_8))
                    .isEqualTo("still here");
            }
            // the kernel sends RELEASE after close(2) returns: wait (bounded) for the hidden file to go
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (list(dir).stream().anyMatch((name) -> name.startsWith(".fuse_hidden"))
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(list(dir)).noneMatch((name) -> name.startsWith(".fuse_hidden")); // unlinked on release
        }
    }

    @Test
    void nodesTheKernelForgetsLeaveTheNodeTable(FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("forget");
        try (FuseMount mount = fx.manager().mount(spec("forget", dir, new MemoryFS()).build())) {
            ProtocolSession session = (ProtocolSession) mount.session();
            int before = session.nodeCount();
            for (int i = 0; i < 20; i++) {
                Files.writeString(dir.resolve("f" + i), "x"); // CREATE: one reference each
            }
            assertThat(session.nodeCount()).isEqualTo(before + 20);
            for (int i = 0; i < 20; i++) {
                Files.delete(dir.resolve("f" + i)); // the kernel evicts the inodes: FORGET / BATCH_FORGET
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (session.nodeCount() > before && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(session.nodeCount()).isEqualTo(before);
        }
    }

    @Test
    void withHardRemoveAnUnlinkedOpenFileIsGoneAtOnce(FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("hard");
        try (FuseMount mount = fx.manager().mount(spec("hard", dir, new MemoryFS()).option("hard_remove").build())) {
            Path file = dir.resolve("open.txt");
            Files.writeString(file, "gone");
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                Files.delete(file);
                assertThat(list(dir)).noneMatch((name) -> name.startsWith(".fuse_hidden"));
                assertThatExceptionOfType(java.io.IOException.class)
                    .isThrownBy(() -> channel.read(ByteBuffer.allocate(64), 0));
            }
        }
    }

    private static List<String> list(Path dir) throws Exception {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map((p) -> p.getFileName().toString()).toList();
        }
    }

    /** One writable file that swallows writes and records their sizes and the caller. */
    static final class SinkFs extends ManagedFuseStubFS {

        final AtomicLong largestWrite = new AtomicLong();

        final AtomicLong written = new AtomicLong();

        final AtomicLong callerPid = new AtomicLong();

        @Override
        public int getattr(String path, ru.serce.jnrfuse.struct.FileStat stat) {
            if (path.equals("/")) {
                stat.st_mode.set(ru.serce.jnrfuse.struct.FileStat.S_IFDIR | 0755);
                stat.st_nlink.set(2);
                return 0;
            }
            if (path.equals("/sink")) {
                stat.st_mode.set(ru.serce.jnrfuse.struct.FileStat.S_IFREG | 0666);
                stat.st_nlink.set(1);
                stat.st_uid.set(getContext().uid.get());
                return 0;
            }
            return -ru.serce.jnrfuse.ErrorCodes.ENOENT();
        }

        @Override
        public int open(String path, FuseFileInfo fi) {
            return 0;
        }

        @Override
        public int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
            this.largestWrite.accumulateAndGet(size, Math::max);
            this.written.addAndGet(size);
            this.callerPid.set(getContext().pid.get());
            return (int) size;
        }

    }


}
