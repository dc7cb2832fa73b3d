package io.github.fusespringboot.mount;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;

import static org.assertj.core.api.Assertions.assertThat;

/** FUSE_INTERRUPT reaches a blocked callback through {@code ManagedFuseStubFS.isInterrupted()}. */
@ExtendWith(FuseTestExtension.class)
class ProtocolEngineInterruptTest {

    @Test
    void aSignalToTheCallerMarksItsRequestInterruptedAndTheCallbackCanAnswerEintr(FuseTestExtension.Fixture fx)
            throws Exception {
        BlockingOpenFs fs = new BlockingOpenFs();
        MountSpec spec = MountSpec.builder("interrupt", fx.dir("interrupt"), fs).build();
        try (FuseMount mount = fx.manager().mount(spec)) {
            Path file = mount.mountPoint().resolve("f");
            Process cat = new ProcessBuilder("cat", file.toString()).start();
            try {
                assertThat(fs.entered.await(20, TimeUnit.SECONDS)).isTrue();
                assertThat(fs.sawInterrupt.getCount()).isEqualTo(1); // not before the signal
                cat.destroy(); // SIGTERM: the kernel sends FUSE_INTERRUPT for the pending OPEN
                assertThat(fs.sawInterrupt.await(20, TimeUnit.SECONDS)).isTrue();
                assertThat(cat.waitFor(20, TimeUnit.SECONDS)).isTrue();
            }
            finally {
                cat.destroyForcibly();
            }
            // the session goes on: the next request is served, and is not marked
            fs.block = false;
            assertThat(Files.isRegularFile(file)).isTrue();
            assertThat(Files.readAllBytes(file)).isEmpty();
            assertThat(fs.interruptedAfter).isFalse();
        }
    }

    /** One file whose open blocks (bounded) until the request is interrupted, then answers EINTR. */
    static final class BlockingOpenFs extends ManagedFuseStubFS {

        final CountDownLatch entered = new CountDownLatch(1);

        final CountDownLatch sawInterrupt = new CountDownLatch(1);

        volatile boolean block = true;

        volatile boolean interruptedAfter;

        @Override
        public int getattr(String path, FileStat stat) {
            if (path.equals("/")) {
                return TestStats.directory(stat);
            }
            if (path.equals("/f")) {
                return TestStats.file(stat, 0644);
            }
            return -ErrorCodes.ENOENT();
        }

        @Override
        public int open(String path, FuseFileInfo fi) {
            if (!this.block) {
                this.interruptedAfter = isInterrupted();
                return 0;
            }
            this.entered.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!isInterrupted() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(1_000_000); // polls the flag the INTERRUPT sets
            }
            if (isInterrupted()) {
                this.sawInterrupt.countDown();
                return -ErrorCodes.EINTR();
            }
            return 0;
        }

    }

}
