package io.github.fusespringboot.mount;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jnr.ffi.Pointer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import ru.serce.jnrfuse.examples.HelloFuse;
import ru.serce.jnrfuse.struct.FuseFileInfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A filesystem callback that never returns must not wedge the caller of unmount. */
@ExtendWith(FuseTestExtension.class)
class WedgedFilesystemTest {

    @ParameterizedTest(name = "multithreaded={0}")
    @ValueSource(booleans = { false, true })
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void unmountWithACallbackStuckInsideTheFilesystemReturnsWithinTheBoundAndCleansUpOnceItReturns(
            boolean multithreaded, FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("wedged");
        Duration bound = Duration.ofSeconds(1);
        BlockingReadFs filesystem = new BlockingReadFs();
        FuseMount mount = fx.manager()
            .mount(MountSpec.builder("wedged", dir, filesystem)
                .multithreaded(multithreaded)
                .unmountTimeout(bound)
                .build());
        CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readString(dir.resolve("hello"));
            }
            catch (IOException ex) {
                return "failed: " + ex.getMessage();
            }
        }, (task) -> new Thread(task, "wedged-reader").start());
        try {
            assertThat(filesystem.entered.await(10, TimeUnit.SECONDS)).as("read reached the filesystem").isTrue();

            long started = System.nanoTime();
            FuseMountException error = catchThrowableOfType(mount::unmount, FuseMountException.class);
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(took).as("unmount is bounded").isLessThan(bound.plus(FuseMount.ABORT_GRACE).plusSeconds(1));
            assertThat(error).as("the stuck callback is reported").isNotNull();
            assertThat(error.phase()).isEqualTo(MountPhase.UNMOUNT);
            assertThat(error.getMessage()).contains("'wedged'", "fuse:wedged");
            assertThat(FuseTestExtension.servingThreads()).as("the stuck callback's thread carries the mount's name")
                .anyMatch((name) -> name.startsWith("fuse:wedged"));
            assertThat(mount.state()).isEqualTo(MountState.FAILED);
            assertThat(MountTable.read().find(dir)).as("detached from the tree").isEmpty();
            assertThat(reader.get(10, TimeUnit.SECONDS)).as("the reader was released by the abort")
                .startsWith("failed: ");
        }
        finally {
            filesystem.release.countDown();
        }
        // once the callback returns, its thread ends and nothing of the mount is left
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (mount.isServing() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(mount.isServing()).isFalse();
        assertThat(FuseTestExtension.leaks(fx.root())).isEmpty();
    }

    @ParameterizedTest(name = "multithreaded={0}")
    @ValueSource(booleans = { false, true })
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aMountWhoseInitHangsFailsWithinTheBoundAndIsCleanedUpOnceInitReturns(boolean multithreaded,
            FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.path("created/for/hanging-init");
        HangingInitFs filesystem = new HangingInitFs();
        Duration bound = Duration.ofSeconds(1);
        try {
            long started = System.nanoTime();
            FuseMountException error = catchThrowableOfType(() -> fx.manager()
                .mount(MountSpec.builder("hanging-init", dir, filesystem)
                    .createMountPoint(true)
                    .multithreaded(multithreaded)
                    .mountTimeout(bound)
                    .unmountTimeout(bound)
                    .build()),
                    FuseMountException.class);
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(error).isNotNull();
            assertThat(error.phase()).isEqualTo(MountPhase.INIT);
            assertThat(error.getMessage()).contains("'hanging-init'", dir.toString(), "did not answer",
                    "within " + bound);
            assertThat(took).as("mount timeout + unmount timeout + abort grace")
                .isLessThan(bound.plus(bound).plus(FuseMount.ABORT_GRACE).plusSeconds(1));
            assertThat(MountTable.read().find(dir)).isEmpty();
            assertThat(fx.manager().mounts()).isEmpty();
        }
        finally {
            filesystem.release.countDown();
        }
        // the last serving thread frees the session (its descriptor) first, then removes the directories
        long deadline = System.nanoTime() + 10_000_000_000L;
        while ((!FuseTestExtension.leaks(fx.root()).isEmpty() || Files.exists(fx.path("created")))
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(FuseTestExtension.leaks(fx.root())).isEmpty();
        assertThat(fx.path("created")).as("the directories the engine made, once init returned").doesNotExist();
    }

    /** HelloFuse whose init blocks until released. */
    static class HangingInitFs extends HelloFuse {

        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public Pointer init(Pointer conn) {
            try {
                this.release.await(30, TimeUnit.SECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            return null;
        }

    }

    /** HelloFuse whose read blocks until released. */
    static class BlockingReadFs extends HelloFuse {

        final CountDownLatch entered = new CountDownLatch(1);

        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
            this.entered.countDown();
            try {
                this.release.await(30, TimeUnit.SECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            return super.read(path, buf, size, offset, fi);
        }

    }

}
