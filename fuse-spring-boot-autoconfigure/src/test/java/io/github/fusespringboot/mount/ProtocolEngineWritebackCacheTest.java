package io.github.fusespringboot.mount;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jnr.ffi.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Timespec;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code writeback_cache} option: the kernel buffers small writes and sends them in large ones. */
@ExtendWith(FuseTestExtension.class)
class ProtocolEngineWritebackCacheTest {

    private static final int O_ACCMODE = 03;

    private static final int O_RDWR = 02;

    @Test
    void withWritebackCacheSmallWritesReachTheFilesystemInLargeOnes(FuseTestExtension.Fixture fx) throws Exception {
        SinkFs fs = new SinkFs();
        MountSpec spec = MountSpec.builder("writeback", fx.dir("writeback"), fs)
            .options(List.of("writeback_cache"))
            .build();
        try (FuseMount mount = fx.manager().mount(spec)) {
            assertThat(mount.negotiated().orElseThrow().flags()).contains("WRITEBACK_CACHE");
            writeInPages(mount.mountPoint().resolve("sink"), 256);
            assertThat(fs.written.get()).isEqualTo(256 * 4096); // all of it arrived by close(2)
            assertThat(fs.largestWrite.get()).isGreaterThan(4096);
            // the kernel may read pages of a file opened write-only: the filesystem sees O_RDWR
            assertThat(fs.openFlags.get() & O_ACCMODE).isEqualTo(O_RDWR);
        }
    }

    @Test
    void withoutItEachWriteArrivesAsItWasMade(FuseTestExtension.Fixture fx) throws Exception {
        SinkFs fs = new SinkFs();
        MountSpec spec = MountSpec.builder("plain", fx.dir("plain"), fs).build();
        try (FuseMount mount = fx.manager().mount(spec)) {
            assertThat(mount.negotiated().orElseThrow().flags()).doesNotContain("WRITEBACK_CACHE");
            writeInPages(mount.mountPoint().resolve("sink"), 16);
            assertThat(fs.largestWrite.get()).isEqualTo(4096);
            assertThat(fs.openFlags.get() & O_ACCMODE).isNotEqualTo(O_RDWR);
        }
    }

    private static void writeInPages(Path file, int pages) throws Exception {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            for (int i = 0; i < pages; i++) {
                ByteBuffer page = ByteBuffer.allocate(4096);
                while (page.hasRemaining()) {
                    channel.write(page);
                }
            }
        }
    }

    /** One file that swallows writes, recording the largest, the total and the open flags. */
    static final class SinkFs extends ManagedFuseStubFS {

        final AtomicLong largestWrite = new AtomicLong();

        final AtomicLong written = new AtomicLong();

        final AtomicInteger openFlags = new AtomicInteger(-1);

        @Override
        public int getattr(String path, FileStat stat) {
            if (path.equals("/")) {
                return TestStats.directory(stat);
            }
            if (path.equals("/sink")) {
                return TestStats.file(stat, 0666);
            }
            return -ErrorCodes.ENOENT();
        }

        @Override
        public int open(String path, FuseFileInfo fi) {
            this.openFlags.set(fi.flags.get());
            return 0;
        }

        /** Needed with writeback_cache: the kernel keeps mtime/ctime and sends them in SETATTR at writeback. */
        @Override
        public int utimens(String path, Timespec[] timespec) {
            return 0;
        }

        @Override
        public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
            return 0;
        }

        @Override
        public int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
            this.largestWrite.accumulateAndGet(size, Math::max);
            this.written.addAndGet(size);
            return (int) size;
        }

    }

}
