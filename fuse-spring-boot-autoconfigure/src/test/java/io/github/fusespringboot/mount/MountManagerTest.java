package io.github.fusespringboot.mount;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import ru.serce.jnrfuse.examples.HelloFuse;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(FuseTestExtension.class)
class MountManagerTest {

    @Test
    void helloFuseServesItsFileThroughTheKernel(FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("hello");
        try (FuseMount mount = fx.manager().mount(MountSpec.builder("hello", dir, new HelloFuse()).build())) {
            assertThat(mount.state()).isEqualTo(MountState.MOUNTED);
            assertThat(Files.readString(dir.resolve("hello"))).isEqualTo("Hello World!");
            assertThat(MountTable.read().find(dir)).hasValueSatisfying((entry) -> {
                assertThat(entry.type()).isEqualTo("fuse.fuse-spring-boot");
                assertThat(entry.source()).isEqualTo("fuse-spring-boot:hello");
            });
        }
        assertThat(MountTable.read().find(dir)).isEmpty();
    }

    @ParameterizedTest(name = "multithreaded={0}")
    @ValueSource(booleans = { false, true })
    void helloFuseListsAndStatsItsFileAndTheHandleReportsItsLife(boolean multithreaded, FuseTestExtension.Fixture fx)
            throws Exception {
        Path dir = fx.dir("hello");
        Instant before = Instant.now();
        FuseMount mount = fx.manager()
            .mount(MountSpec.builder("hello", dir, new HelloFuse()).multithreaded(multithreaded).build());
        try {
            assertThat(mount.name()).isEqualTo("hello");
            assertThat(mount.mountPoint()).isEqualTo(dir);
            assertThat(mount.since()).isAfterOrEqualTo(before);
            assertThat(mount.source()).isEqualTo("fuse-spring-boot:hello");
            assertThat(mount.connectionId()).isPositive();
            assertThat(mount.isServing()).isTrue();
            assertThat(fx.manager().find("hello")).containsSame(mount);
            assertThat(fx.manager().mounts()).containsExactly(mount);
            // an idle mount holds no thread: the shared reactor watches it
            assertThat(FuseTestExtension.servingThreads()).doesNotContain("fuse:hello");

            try (Stream<Path> entries = Files.list(dir)) {
                assertThat(entries.map((p) -> p.getFileName().toString())).containsExactly("hello");
            }
            Path hello = dir.resolve("hello");
            BasicFileAttributes attributes = Files.readAttributes(hello, BasicFileAttributes.class);
            assertThat(attributes.isRegularFile()).isTrue();
            assertThat(attributes.size()).isEqualTo("Hello World!".length());
            assertThat(Files.isDirectory(dir)).isTrue();
            assertThat(Files.exists(dir.resolve("missing"))).isFalse();
            for (int i = 0; i < 20; i++) {
                assertThat(Files.readString(hello)).isEqualTo("Hello World!");
            }
        }
        finally {
            mount.unmount();
        }
        assertThat(mount.state()).isEqualTo(MountState.UNMOUNTED);
        assertThat(mount.isServing()).isFalse();
        assertThat(fx.manager().find("hello")).isEmpty();
        assertThat(fx.manager().mounts()).isEmpty();
        assertThat(Files.isDirectory(dir)).as("a directory the caller made stays").isTrue();
    }

    @Test
    void createdMountPointIsRemovedAgainOnUnmount(FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.path("made/by/the/engine");
        try (FuseMount mount = fx.manager()
            .mount(MountSpec.builder("made", dir, new HelloFuse()).createMountPoint(true).build())) {
            assertThat(Files.readString(dir.resolve("hello"))).isEqualTo("Hello World!");
        }
        assertThat(fx.path("made")).doesNotExist();
        assertThat(fx.root()).isDirectory();
    }

}
