package io.github.fusespringboot.mount;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.examples.MemoryFS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** A mount left behind is taken down at once, even when its server does not answer. */
@ExtendWith(FuseTestExtension.class)
class ForcedUnmountTest {

    @Test
    void detachesAMountAndItsServingThreadsEnd(FuseTestExtension.Fixture fx) throws Exception {
        FuseMount mount = fx.manager().mount(MountSpec.builder("left", fx.dir("left"), new MemoryFS()).build());
        MountTable.Entry entry = MountTable.read().find(mount.mountPoint()).orElseThrow();

        assertThat(ForcedUnmount.abortAndDetach(entry)).isEmpty();

        assertThat(MountTable.read().find(mount.mountPoint())).isEmpty();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (mount.isServing() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(mount.isServing()).as("the serving threads saw the connection end").isFalse();
        assertThat(ForcedUnmount.abortAndDetach(entry)).as("gone already is fine").isEmpty();
        mount.close();
    }

    @Test
    void aMountWhoseServerDoesNotAnswerIsDetachedWithoutWaitingForIt(FuseTestExtension.Fixture fx) throws Exception {
        MountProbeTest.BlockingFs filesystem = new MountProbeTest.BlockingFs();
        FuseMount mount = fx.manager().mount(MountSpec.builder("stuck", fx.dir("stuck"), filesystem).build());
        filesystem.block = true;
        CompletableFuture<Boolean> stat = CompletableFuture.supplyAsync(() -> Files.exists(mount.mountPoint()
            .resolve("file")));
        assertThat(filesystem.blocked.await(5, TimeUnit.SECONDS)).as("a caller is stuck in the filesystem").isTrue();
        try {
            long started = System.nanoTime();
            assertThat(ForcedUnmount.abortAndDetach(MountTable.read().find(mount.mountPoint()).orElseThrow()))
                .isEmpty();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(2_000);
            assertThat(stat.get(5, TimeUnit.SECONDS)).as("the stuck caller got an error, not an answer").isFalse();
            assertThat(MountTable.read().find(mount.mountPoint())).isEmpty();
        }
        finally {
            filesystem.release.countDown();
        }
        mount.close();
    }

    @Test
    void refusesAnEntryThatIsNotAFuseMount() {
        MountTable.Entry root = MountTable.read().find(Path.of("/")).orElseThrow();

        assertThatIllegalArgumentException().isThrownBy(() -> ForcedUnmount.abortAndDetach(root))
            .withMessageContaining("is not a FUSE mount");
    }

}
