package io.github.fusespringboot.test;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.MountManager;
import io.github.fusespringboot.mount.MountSpec;
import io.github.fusespringboot.mount.MountTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The extension on real mounts: an instance is mounted below a temporary directory and its path handed
 * to the test, unmounted after it; a test that leaves a mount or a {@code /dev/fuse} descriptor behind
 * fails (small test classes run through the JUnit Platform launcher show what the build would report).
 */
@FuseMountTest
class FuseMountExtensionTests {

    @AfterEach
    void releaseWhatTheSmallClassesLeft() throws IOException {
        if (LeaksAMount.manager != null) {
            LeaksAMount.manager.close();
            LeaksAMount.manager = null;
        }
        if (LeavesTheDeviceOpen.device != null) {
            LeavesTheDeviceOpen.device.close();
            LeavesTheDeviceOpen.device = null;
        }
    }

    @Test
    void mountsAnInstanceBelowATemporaryDirectoryAndHandsTheTestItsPath(FuseMounts mounts) throws IOException {
        Path root = mounts.mount(new HelloFilesystem("Hello\n"));

        assertThat(Files.readString(root.resolve("hello.txt"))).isEqualTo("Hello\n");
        assertThat(root.getParent()).isEqualTo(mounts.directory());
        assertThat(mounts.directory()).startsWith(TestDirectories.root());
        MountTable.Entry entry = MountTable.read().find(root).orElseThrow();
        assertThat(entry.type()).isEqualTo(FuseMount.TYPE);
        assertThat(mounts.mountPoint(root.getFileName().toString())).isEqualTo(root);
    }

    @Test
    void unmountsAfterTheTestAndRemovesItsDirectory() {
        TestClassRun run = TestClassRun.of(MountsAndForgets.class);

        assertThat(run.outcome("mounts").status()).as(run.outcomes().toString()).isEqualTo("SUCCESSFUL");
        assertThat(MountsAndForgets.mountPoint).isNotNull();
        assertThat(MountTable.read().find(MountsAndForgets.mountPoint)).isEmpty();
        assertThat(MountsAndForgets.mountPoint.getParent()).doesNotExist();
    }

    @Test
    void aMountLeftBehindFailsTheTestAndIsDetached() {
        TestClassRun run = TestClassRun.of(LeaksAMount.class);

        TestClassRun.Outcome outcome = run.outcome("leaks");
        assertThat(outcome.status()).isEqualTo("FAILED");
        assertThat(outcome.detail()).contains("The test left FUSE state behind",
                "mount " + LeaksAMount.mountPoint + " (fuse-spring-boot:leaky; aborted and detached)");
        assertThat(MountTable.read().find(LeaksAMount.mountPoint)).isEmpty();
        assertThat(LeaksAMount.mountPoint.getParent()).doesNotExist();
    }

    @Test
    void aDevFuseDescriptorLeftOpenFailsTheTest() {
        TestClassRun run = TestClassRun.of(LeavesTheDeviceOpen.class);

        TestClassRun.Outcome outcome = run.outcome("opensTheDevice");
        assertThat(outcome.status()).isEqualTo("FAILED");
        assertThat(outcome.detail()).containsPattern("/dev/fuse descriptor \\d+ still open");
    }

    /** Mounts through the extension and leaves the unmounting to it. */
    @FuseMountTest
    static class MountsAndForgets {

        static volatile Path mountPoint;

        @Test
        void mounts(FuseMounts mounts) throws IOException {
            mountPoint = mounts.mount("forgotten", new HelloFilesystem("x"));
            assertThat(Files.readString(mountPoint.resolve("hello.txt"))).isEqualTo("x");
        }

    }

    /** Mounts with a manager of its own, in the test's directory, and never unmounts. */
    @FuseMountTest
    static class LeaksAMount {

        static volatile MountManager manager;

        static volatile Path mountPoint;

        @Test
        void leaks(FuseMounts mounts) {
            manager = new MountManager();
            mountPoint = mounts.directory().resolve("leaky");
            manager.mount(MountSpec.builder("leaky", mountPoint, new HelloFilesystem("x"))
                .createMountPoint(true)
                .mountStrategy(mounts.strategy())
                .build());
        }

    }

    /** Opens /dev/fuse and keeps it open. */
    @FuseMountTest
    static class LeavesTheDeviceOpen {

        static volatile RandomAccessFile device;

        @Test
        void opensTheDevice() throws IOException {
            device = new RandomAccessFile("/dev/fuse", "rw");
        }

    }

}
