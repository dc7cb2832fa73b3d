package io.github.fusespringboot.actuate.metrics;

import java.nio.file.Files;
import java.nio.file.Path;

import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.FuseMountException;
import io.github.fusespringboot.mount.FuseTestExtension;
import io.github.fusespringboot.mount.MountSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.examples.HelloFuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

@ExtendWith(FuseTestExtension.class)
class FuseMetricsTest {

    @Test
    void mountsUnmountsFailuresAndOperationsAreMeasured(FuseTestExtension.Fixture fx) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new FuseMetrics(fx.manager(), true).bindTo(registry);
        Path dir = fx.dir("measured");
        try (FuseMount mount = fx.manager().mount(MountSpec.builder("measured", dir, new HelloFuse()).build())) {
            assertThat(registry.get("fuse.mounts").tag("state", "mounted").gauge().value()).isEqualTo(1);
            assertThat(Files.readString(dir.resolve("hello"))).isEqualTo("Hello World!");
            assertThat(registry.get("fuse.operations").tags("mount", "measured", "operation", "read").timer().count())
                .isPositive();
        }
        assertThatExceptionOfType(FuseMountException.class).isThrownBy(() -> fx.manager()
            .mount(MountSpec.builder("broken", fx.path("missing"), new HelloFuse()).build()));
        assertThat(registry.get("fuse.mounts").tag("state", "mounted").gauge().value()).isZero();
        assertThat(registry.get("fuse.mount").tag("result", "success").timer().count()).isEqualTo(1);
        assertThat(registry.get("fuse.unmount").tag("result", "success").timer().count()).isEqualTo(1);
        assertThat(registry.get("fuse.mount").tag("result", "failure").timer().count()).isEqualTo(1);
        assertThat(registry.get("fuse.failures").tags("phase", "validate", "cause", "ENOENT").counter().count())
            .isEqualTo(1);
    }

    @Test
    void operationTimersAreOffByDefault(FuseTestExtension.Fixture fx) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new FuseMetrics(fx.manager(), false).bindTo(registry);
        Path dir = fx.dir("quiet");
        try (FuseMount mount = fx.manager().mount(MountSpec.builder("quiet", dir, new HelloFuse()).build())) {
            assertThat(Files.readString(dir.resolve("hello"))).isEqualTo("Hello World!");
        }
        assertThat(registry.find("fuse.operations").timers()).isEmpty();
    }

}
