package io.github.fusespringboot.mount;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.examples.HelloFuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

@ExtendWith(FuseTestExtension.class)
class UnmountEscalationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    @Test
    void unmountWhileAnotherProcessHoldsAFileOpenFinishesWithinTheBound(FuseTestExtension.Fixture fx)
            throws Exception {
        Path dir = fx.dir("held");
        FuseMount mount = fx.manager()
            .mount(MountSpec.builder("held", dir, new HelloFuse()).unmountTimeout(TIMEOUT).build());
        Process holder = new ProcessBuilder("sleep", "60").redirectInput(dir.resolve("hello").toFile()).start();
        try {
            long started = System.nanoTime();
            mount.unmount();
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(took).isLessThan(TIMEOUT.plus(FuseMount.ABORT_GRACE).plus(Duration.ofMillis(500)));
            assertThat(mount.state()).isEqualTo(MountState.UNMOUNTED);
            assertThat(MountTable.read().find(dir)).isEmpty();
        }
        finally {
            holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void busyMountWithLazyDetachSwitchedOffStaysMountedAndCanBeUnmountedLater(FuseTestExtension.Fixture fx)
            throws Exception {
        Path dir = fx.dir("busy");
        FuseMount mount = fx.manager()
            .mount(MountSpec.builder("busy", dir, new HelloFuse())
                .unmountTimeout(TIMEOUT)
                .unmountEscalation(new UnmountEscalation(true, false, true))
                .build());
        try (InputStream open = Files.newInputStream(dir.resolve("hello"))) {
            assertThatExceptionOfType(FuseMountException.class).isThrownBy(mount::unmount)
                .satisfies((ex) -> {
                    assertThat(ex.phase()).isEqualTo(MountPhase.UNMOUNT);
                    assertThat(ex.errnoName()).isEqualTo("EBUSY");
                    assertThat(ex.getMessage()).contains("busy", dir.toString());
                });
            assertThat(mount.state()).isEqualTo(MountState.MOUNTED);
            assertThat(fx.manager().find("busy")).contains(mount);
            assertThat(new String(open.readAllBytes())).isEqualTo("Hello World!");
        }
        mount.unmount();
        assertThat(mount.state()).isEqualTo(MountState.UNMOUNTED);
        assertThat(fx.manager().find("busy")).isEmpty();
    }

    @Test
    void unmountIsIdempotentAndConcurrentCallsWaitForTheSameUnmount(FuseTestExtension.Fixture fx) throws Exception {
        FuseMount mount = fx.manager().mount(MountSpec.builder("twice", fx.dir("twice"), new HelloFuse()).build());
        Thread other = new Thread(mount::unmount);
        other.start();
        mount.unmount();
        other.join(TimeUnit.SECONDS.toMillis(15));
        assertThat(other.isAlive()).isFalse();
        assertThat(mount.state()).isEqualTo(MountState.UNMOUNTED);
        mount.unmount();
        mount.close();
        assertThat(mount.state()).isEqualTo(MountState.UNMOUNTED);
    }

}
