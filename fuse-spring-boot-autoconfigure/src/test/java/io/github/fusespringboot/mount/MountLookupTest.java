package io.github.fusespringboot.mount;

import java.nio.file.Files;
import java.nio.file.Path;

import io.github.fusespringboot.mount.natives.KernelMounts;
import io.github.fusespringboot.mount.natives.Native;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import ru.serce.jnrfuse.examples.HelloFuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** statx + statmount describe a mount exactly as mountinfo does; the forced mountinfo path answers the same. */
@ExtendWith(FuseTestExtension.class)
class MountLookupTest {

    @AfterEach
    void backToWhatThePropertySays() {
        MountLookup.mountinfoOnly(Boolean.getBoolean(MountLookup.MOUNTINFO_ONLY_PROPERTY));
    }

    @Test
    void thisKernelAnswersWithoutMountinfo() {
        assumeThat(Native.isAvailable()).isTrue();
        assumeThat(Boolean.getBoolean(MountLookup.MOUNTINFO_ONLY_PROPERTY)).as("not forced to mountinfo").isFalse();
        assumeThat(kernelAtLeast(6, 13)).as("statmount with source and subtype").isTrue();
        assertThat(KernelMounts.statx("/").ok()).isTrue();
        assertThat(KernelMounts.isAvailable()).isTrue();
        assertThat(MountLookup.fast()).isTrue();
    }

    @ParameterizedTest(name = "mountinfoOnly={0}")
    @ValueSource(booleans = { false, true })
    void aMountOfOursIsDescribedAsMountinfoDescribesIt(boolean mountinfoOnly, FuseTestExtension.Fixture fx)
            throws Exception {
        MountLookup.mountinfoOnly(mountinfoOnly);
        Path dir = fx.dir("ours");
        try (FuseMount mount = fx.manager().mount(MountSpec.builder("ours", dir, new HelloFuse()).build())) {
            MountTable.Entry listed = MountTable.read().find(dir).orElseThrow();

            assertThat(MountLookup.at(dir)).contains(listed);
            assertThat(listed.source()).isEqualTo(mount.source());
            assertThat(listed.type()).isEqualTo(FuseMount.TYPE);
            assertThat(mount.connectionId()).isEqualTo(listed.connectionId());
            assertThat(FuseConnections.ROOT.resolve(Integer.toString(mount.connectionId())).resolve("abort"))
                .as("fusectl names the connection by that id")
                .exists();
            assertThat(mount.identity().mountId() != 0).as("unique mount id known").isEqualTo(MountLookup.fast());
        }
    }

    @ParameterizedTest(name = "mountinfoOnly={0}")
    @ValueSource(booleans = { false, true })
    void aTmpfsWithAnAwkwardNameIsDescribedAsMountinfoDescribesIt(boolean mountinfoOnly,
            FuseTestExtension.Fixture fx) throws Exception {
        MountLookup.mountinfoOnly(mountinfoOnly);
        Path dir = fx.dir("with space\\and\ttab");
        Native.mount("a source with spaces", dir.toString(), "tmpfs", Native.MS_NOSUID | Native.MS_NODEV, "size=64k");
        try {
            MountTable.Entry listed = MountTable.read().find(dir).orElseThrow();

            assertThat(listed.mountPoint()).isEqualTo(dir.toString());
            assertThat(MountLookup.at(dir)).contains(listed);
            assertThat(MountLookup.at(dir)).hasValueSatisfying((e) -> {
                assertThat(e.type()).isEqualTo("tmpfs");
                assertThat(e.source()).isEqualTo("a source with spaces");
            });
        }
        finally {
            Native.umount2(dir.toString(), Native.MNT_DETACH);
        }
    }

    @ParameterizedTest(name = "mountinfoOnly={0}")
    @ValueSource(booleans = { false, true })
    void plainAndMissingDirectoriesAreNoMountPoints(boolean mountinfoOnly, FuseTestExtension.Fixture fx)
            throws Exception {
        MountLookup.mountinfoOnly(mountinfoOnly);
        Path plain = fx.dir("plain");
        Files.writeString(fx.root().resolve("file"), "x");

        assertThat(MountLookup.at(plain)).isEmpty();
        assertThat(MountLookup.at(fx.path("missing"))).isEmpty();
        assertThat(MountLookup.at(fx.root().resolve("file").resolve("below"))).isEmpty();
        assertThat(MountLookup.at(Path.of("/"))).isEqualTo(MountTable.read().find(Path.of("/")));
    }

    @Test
    void theConnectionIdIsTheSuperblocksDeviceInTheKernelsEncoding() {
        assertThat(MountLookup.connectionId(0, 40)).isEqualTo(40);
        assertThat(MountLookup.connectionId(0, 300)).as("minors above 255 stay whole").isEqualTo(300);
        assertThat(MountLookup.connectionId(1, 2)).isEqualTo((1 << 20) | 2);
    }

    @Test
    void aDescriptorTellsWhetherItsConnectionStillExists(FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("conn");
        int fd = Native.openFuseDevice("/dev/fuse");
        try {
            Native.mount("fuse-spring-boot:conn", dir.toString(), FuseMount.TYPE, Native.MS_NOSUID | Native.MS_NODEV,
                    "fd=" + fd + ",rootmode=40000,user_id=0,group_id=0");
            assertThat(KernelMounts.connectionState(fd)).isEqualTo(KernelMounts.ConnectionState.CONNECTED);
            int id = MountLookup.identify(dir, "fuse-spring-boot:conn").connectionId();
            assertThat(id).isEqualTo(MountTable.read().find(dir).orElseThrow().connectionId());

            assertThat(FuseConnections.abort(id)).isTrue();

            assertThat(KernelMounts.connectionState(fd)).isEqualTo(KernelMounts.ConnectionState.ENDED);
        }
        finally {
            Native.umount2(dir.toString(), Native.MNT_DETACH);
            Native.close(fd);
        }
    }

    private static boolean kernelAtLeast(int major, int minor) {
        String[] version = System.getProperty("os.version").split("[.-]");
        int kernelMajor = Integer.parseInt(version[0]);
        int kernelMinor = Integer.parseInt(version[1]);
        return kernelMajor > major || (kernelMajor == major && kernelMinor >= minor);
    }

}
