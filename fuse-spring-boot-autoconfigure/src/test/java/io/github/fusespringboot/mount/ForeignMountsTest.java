package io.github.fusespringboot.mount;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.fusespringboot.mount.natives.Native;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import ru.serce.jnrfuse.examples.HelloFuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Somebody else's mounts are never harmed: not one stacked on top of ours, not one that got our old
 * connection id. Both with the kernel's per-mount answers and with the mountinfo fallback.
 */
@ExtendWith(FuseTestExtension.class)
class ForeignMountsTest {

    @AfterEach
    void backToWhatThePropertySays() {
        MountLookup.mountinfoOnly(Boolean.getBoolean(MountLookup.MOUNTINFO_ONLY_PROPERTY));
    }

    @ParameterizedTest(name = "mountinfoOnly={0}")
    @ValueSource(booleans = { false, true })
    void aMountStackedOnTopOfOursIsLeftAloneAndOnlyOurConnectionIsAborted(boolean mountinfoOnly,
            FuseTestExtension.Fixture fx) throws Exception {
        MountLookup.mountinfoOnly(mountinfoOnly);
        Path dir = fx.dir("covered");
        FuseMount mount = fx.manager()
            .mount(MountSpec.builder("covered", dir, new HelloFuse()).unmountTimeout(Duration.ofSeconds(2)).build());
        Native.mount("somebody-else", dir.toString(), "tmpfs", Native.MS_NOSUID | Native.MS_NODEV, "size=64k");
        try {
            Files.writeString(dir.resolve("theirs.txt"), "their file");
            try (MountProbe probe = new MountProbe(Duration.ofMillis(500), Duration.ZERO)) {
                MountHealth health = probe.check(mount);
                assertThat(health.up()).isFalse();
                assertThat(health.reason()).containsAnyOf("on top of it", "no longer mounted");
            }

            mount.unmount();

            assertThat(mount.state()).isEqualTo(MountState.UNMOUNTED);
            assertThat(mount.isServing()).isFalse();
            assertThat(MountTable.read().find(dir)).hasValueSatisfying((e) -> assertThat(e.type()).isEqualTo("tmpfs"));
            assertThat(Files.readString(dir.resolve("theirs.txt"))).isEqualTo("their file");
        }
        finally {
            Native.umount2(dir.toString(), Native.MNT_DETACH); // theirs
        }
        // ours is dead (aborted) underneath; detaching it is the operator's job, done here for the test
        assertThat(MountTable.read().find(dir)).hasValueSatisfying((e) -> assertThat(e.source()).isEqualTo(mount.source()));
        assertThat(StaleMounts.probe(dir.toString())).isEqualTo(StaleMounts.Liveness.DEAD);
        assertThat(Native.umount2(dir.toString(), Native.MNT_DETACH)).isZero();
    }

    @ParameterizedTest(name = "mountinfoOnly={0}")
    @ValueSource(booleans = { false, true })
    void aConnectionIdTheKernelGaveToAnotherMountIsNeverAborted(boolean mountinfoOnly, FuseTestExtension.Fixture fx)
            throws Exception {
        MountLookup.mountinfoOnly(mountinfoOnly);
        MountProbeTest.BlockingFs stuckFs = new MountProbeTest.BlockingFs();
        Path stuckDir = fx.dir("stuck");
        FuseMount stuck = fx.manager()
            .mount(MountSpec.builder("stuck", stuckDir, stuckFs).unmountTimeout(Duration.ofMillis(500)).build());
        int oldId = stuck.connectionId();
        FuseMount other = null;
        try {
            // a callback that never returns holds the serving thread ...
            stuckFs.block = true;
            CompletableFuture<Boolean> client = CompletableFuture.supplyAsync(() -> Files.exists(stuckDir.resolve("x")));
            assertThat(stuckFs.blocked.await(10, TimeUnit.SECONDS)).isTrue();
            // ... while its connection is aborted from outside and the mount detached: the superblock goes,
            // and with it the device number the connection id is made of
            assertThat(FuseConnections.abort(oldId)).isTrue();
            client.get(10, TimeUnit.SECONDS);
            assertThat(Native.umount2(stuckDir.toString(), Native.MNT_DETACH)).isZero();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (Files.exists(FuseConnections.ROOT.resolve(Integer.toString(oldId))) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            // the kernel hands out the lowest free id; on a busy machine another process may take it for a while
            Path otherDir = fx.dir("other");
            for (int attempt = 0; attempt < 20; attempt++) {
                other = fx.manager().mount(MountSpec.builder("other", otherDir, new HelloFuse()).build());
                if (other.connectionId() == oldId) {
                    break;
                }
                other.unmount();
            }
            assumeThat(other.connectionId()).as("the kernel handed the freed id to the next mount (another process "
                    + "may have taken it first)").isEqualTo(oldId);

            FuseMountException error = catchThrowableOfType(stuck::unmount, FuseMountException.class);

            assertThat(error).as("the stuck callback still holds its thread").isNotNull();
            assertThat(other.state()).isEqualTo(MountState.MOUNTED);
            assertThat(Files.readString(other.mountPoint().resolve("hello"))).as("the other mount still serves")
                .isEqualTo("Hello World!");
            // the read's RELEASE travels after close() returned: wait (bounded) for the queue to drain
            long drained = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!FuseConnections.waiting(oldId).equals(java.util.OptionalInt.of(0)) && System.nanoTime() < drained) {
                Thread.onSpinWait();
            }
            assertThat(FuseConnections.waiting(oldId)).hasValue(0);
        }
        finally {
            stuckFs.release.countDown();
            if (other != null) {
                other.unmount();
            }
        }
    }

}
