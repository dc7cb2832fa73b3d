package io.github.fusespringboot.mount;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.fusespringboot.mount.natives.Native;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.examples.HelloFuse;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(FuseTestExtension.class)
class MountProbeTest {

    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);

    @Test
    void healthyMountIsUpWithAProbeLatency(FuseTestExtension.Fixture fx) throws Exception {
        try (MountProbe probe = new MountProbe(PROBE_TIMEOUT, Duration.ZERO);
                FuseMount mount = fx.manager().mount(MountSpec.builder("up", fx.dir("up"), new HelloFuse()).build())) {
            MountHealth health = probe.check(mount);
            assertThat(health.up()).as(health.reason()).isTrue();
            assertThat(health.lastProbeLatency()).isNotNull();
            assertThat(health.waitingRequests()).isZero();
        }
    }

    @Test
    void mountDetachedFromOutsideIsDownWithinTwoProbeTimeouts(FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("gone");
        try (MountProbe probe = new MountProbe(PROBE_TIMEOUT, Duration.ofSeconds(10));
                FuseMount mount = fx.manager().mount(MountSpec.builder("gone", dir, new HelloFuse()).build())) {
            assertThat(probe.check(mount).up()).isTrue(); // cached for 10 s from here on
            assertThat(Native.umount2(dir.toString(), Native.MNT_DETACH)).isZero();
            long started = System.nanoTime();
            MountHealth health = probe.check(mount);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(PROBE_TIMEOUT.multipliedBy(2));
            assertThat(health.up()).isFalse();
            assertThat(health.reason()).contains("no longer mounted");
        }
    }

    @Test
    void filesystemWhoseGetattrBlocksIsDownAndHealthKeepsAnsweringAndUnmountIsBounded(
            FuseTestExtension.Fixture fx) throws Exception {
        BlockingFs fs = new BlockingFs();
        Path dir = fx.dir("wedged");
        FuseMount mount = fx.manager()
            .mount(MountSpec.builder("wedged", dir, fs).multithreaded(true).unmountTimeout(Duration.ofSeconds(1)).build());
        try (MountProbe probe = new MountProbe(PROBE_TIMEOUT, Duration.ZERO)) {
            assertThat(probe.check(mount).up()).isTrue();
            fs.block = true;
            for (int i = 0; i < 3; i++) {
                long started = System.nanoTime();
                MountHealth health = probe.check(mount);
                assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .isLessThan(PROBE_TIMEOUT.plus(Duration.ofMillis(300)));
                assertThat(health.up()).isFalse();
                assertThat(health.reason()).contains("unresponsive");
            }
            assertThat(probe.probes()).hasSize(1);
            assertThat(fs.blocked.getCount()).as("a getattr is stuck in the filesystem").isZero();

            long started = System.nanoTime();
            try {
                mount.unmount();
            }
            catch (FuseMountException ex) {
                assertThat(ex.phase()).isEqualTo(MountPhase.UNMOUNT);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isLessThan(Duration.ofSeconds(1).plus(FuseMount.ABORT_GRACE).plus(Duration.ofSeconds(1)));
            assertThat(MountTable.read().find(dir)).isEmpty();
        }
        finally {
            fs.release.countDown(); // let the stuck callback return, so the session can be freed
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!FuseTestExtension.openFuseDescriptors().isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(FuseTestExtension.openFuseDescriptors()).isEmpty();
    }

    /** Hello-like filesystem whose getattr of the root blocks once told to. */
    static final class BlockingFs extends FuseStubFS {

        volatile boolean block;

        final CountDownLatch blocked = new CountDownLatch(1);

        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public int getattr(String path, FileStat stat) {
            if (this.block) {
                this.blocked.countDown();
                try {
                    this.release.await();
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
            if (path.equals("/")) {
                stat.st_mode.set(FileStat.S_IFDIR | 0755);
                stat.st_nlink.set(2);
                return 0;
            }
            return -ErrorCodes.ENOENT();
        }

        @Override
        public int readdir(String path, Pointer buf, FuseFillDir filler, long offset, FuseFileInfo fi) {
            filler.apply(buf, ".", null, 0);
            filler.apply(buf, "..", null, 0);
            return 0;
        }

    }

}
