package io.github.fusespringboot.context;

import java.nio.file.Files;
import java.nio.file.Path;

import io.github.fusespringboot.mount.FuseTestExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.core.Ordered;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(FuseTestExtension.class)
class FileDescriptorReservationInitializerTests {

    @Test
    void isRegisteredWithSpringBootAndRunsFirst() {
        assertThat(SpringFactoriesLoader.forDefaultResourceLocation().load(ApplicationContextInitializer.class))
            .hasAtLeastOneElementOfType(FileDescriptorReservationInitializer.class);
        assertThat(new FileDescriptorReservationInitializer().getOrder()).isEqualTo(Ordered.HIGHEST_PRECEDENCE);
    }

    @Test
    void leavesDescriptorsZeroToThreeOpen() {
        new org.springframework.boot.test.context.runner.ApplicationContextRunner()
            .withInitializer(new FileDescriptorReservationInitializer())
            .run((context) -> {
                for (int fd = 0; fd <= 3; fd++) {
                    assertThat(Files.exists(Path.of("/proc/self/fd/" + fd))).as("descriptor %d is open", fd).isTrue();
                }
            });
    }

}
