package io.github.fusespringboot.mount;

import java.nio.file.Files;
import java.nio.file.Path;

import io.github.fusespringboot.mount.natives.Native;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.examples.HelloFuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

@ExtendWith(FuseTestExtension.class)
class StaleMountTest {

    /** What a kill -9 leaves: a FUSE mount whose /dev/fuse descriptor is gone. */
    private static void leaveDeadMount(Path dir, String source, String type) {
        int fd = Native.openFuseDevice("/dev/fuse");
        try {
            Native.mount(source, dir.toString(), type, Native.MS_NOSUID | Native.MS_NODEV,
                    "fd=" + fd + ",rootmode=40000,user_id=0,group_id=0");
        }
        finally {
            Native.close(fd);
        }
        assertThat(StaleMounts.probe(dir.toString())).isEqualTo(StaleMounts.Liveness.DEAD);
    }

    @Test
    void deadMountOfOursIsCleanedAndMountedOver(FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("stale");
        leaveDeadMount(dir, "fuse-spring-boot:stale", FuseMount.TYPE);
        try (FuseMount mount = fx.manager().mount(MountSpec.builder("stale", dir, new HelloFuse()).build())) {
            assertThat(Files.readString(dir.resolve("hello"))).isEqualTo("Hello World!");
        }
        assertThat(MountTable.read().find(dir)).isEmpty();
    }

    @Test
    void deadMountOfSomebodyElseIsRefusedUnlessWidened(FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("foreign");
        leaveDeadMount(dir, "sshfs#host:/", "fuse.sshfs");
        assertThatExceptionOfType(FuseMountException.class)
            .isThrownBy(() -> fx.manager().mount(MountSpec.builder("foreign", dir, new HelloFuse()).build()))
            .satisfies((ex) -> {
                assertThat(ex.phase()).isEqualTo(MountPhase.VALIDATE);
                assertThat(ex.getMessage()).contains(dir.toString(), "dead", "sshfs", "fuse-cleanup", "clean-any-dead");
            });
        assertThat(MountTable.read().find(dir)).hasValueSatisfying((e) -> assertThat(e.type()).isEqualTo("fuse.sshfs"));
        try (FuseMount mount = fx.manager()
            .mount(MountSpec.builder("foreign", dir, new HelloFuse()).staleMountPolicy(StaleMountPolicy.CLEAN_ANY_DEAD)
                .build())) {
            assertThat(Files.readString(dir.resolve("hello"))).isEqualTo("Hello World!");
        }
    }

    @Test
    void liveMountIsNeverTakenOver(FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("live");
        try (MountManager other = new MountManager();
                FuseMount live = other.mount(MountSpec.builder("live", dir, new HelloFuse()).build())) {
            assertThatExceptionOfType(FuseMountException.class)
                .isThrownBy(() -> fx.manager()
                    .mount(MountSpec.builder("live", dir, new HelloFuse())
                        .staleMountPolicy(StaleMountPolicy.CLEAN_ANY_DEAD)
                        .build()))
                .withMessageContaining("live");
            assertThat(Files.readString(dir.resolve("hello"))).isEqualTo("Hello World!");
        }
    }

}
