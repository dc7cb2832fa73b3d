package io.github.fusespringboot.mount;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.fusespringboot.mount.protocol.Opcode;
import io.github.fusespringboot.mount.serve.ProtocolSession;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * FLUSH at close(2): a filesystem without flush (and without lock) gets none for files opened
 * read-only, which the engine answers OPEN with FOPEN_NOFLUSH for; files opened for writing, and every
 * file of a filesystem with a flush of its own, still get it.
 */
@ExtendWith(FuseTestExtension.class)
class ProtocolEngineFlushTest {

    @Test
    void withoutFlushAReadOnlyCloseSendsNoFlushButAWritingCloseDoes(FuseTestExtension.Fixture fx) throws Exception {
        FileFs fs = new FileFs();
        try (FuseMount mount = fx.manager().mount(MountSpec.builder("noflush", fx.dir("noflush"), fs).build())) {
            ProtocolSession session = (ProtocolSession) mount.session();
            Path file = mount.mountPoint().resolve("file");
            readOnce(file);
            readOnce(file);
            assertThat(fs.opens.get()).isEqualTo(2);
            assertThat(session.unimplementedAnswers(Opcode.FLUSH)).isZero();
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(new byte[] { 1 }));
            }
            // the kernel sent this one FLUSH, was answered ENOSYS, and sends no more
            assertThat(session.unimplementedAnswers(Opcode.FLUSH)).isEqualTo(1);
        }
    }

    @Test
    void aFilesystemWithFlushGetsItForReadOnlyClosesToo(FuseTestExtension.Fixture fx) throws Exception {
        FlushingFs fs = new FlushingFs();
        try (FuseMount mount = fx.manager().mount(MountSpec.builder("flush", fx.dir("flush"), fs).build())) {
            Path file = mount.mountPoint().resolve("file");
            readOnce(file);
            readOnce(file);
            assertThat(fs.flushes.get()).isEqualTo(2);
        }
    }

    private static void readOnce(Path file) throws Exception {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.read(ByteBuffer.allocate(16));
        }
    }

    /** One empty file that takes writes; no flush, no lock. */
    static class FileFs extends ManagedFuseStubFS {

        final AtomicInteger opens = new AtomicInteger();

        @Override
        public int getattr(String path, FileStat stat) {
            if (path.equals("/")) {
                return TestStats.directory(stat);
            }
            return path.equals("/file") ? TestStats.file(stat, 0666) : -ErrorCodes.ENOENT();
        }

        @Override
        public int open(String path, FuseFileInfo fi) {
            this.opens.incrementAndGet();
            return 0;
        }

        @Override
        public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
            return 0;
        }

        @Override
        public int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
            return (int) size;
        }

    }

    /** The same file, with a flush that counts. */
    static final class FlushingFs extends FileFs {

        final AtomicInteger flushes = new AtomicInteger();

        @Override
        public int flush(String path, FuseFileInfo fi) {
            this.flushes.incrementAndGet();
            return 0;
        }

    }

}
