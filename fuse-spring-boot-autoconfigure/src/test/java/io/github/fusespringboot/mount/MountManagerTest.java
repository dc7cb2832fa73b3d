package io.github.fusespringboot.mount;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
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

}
