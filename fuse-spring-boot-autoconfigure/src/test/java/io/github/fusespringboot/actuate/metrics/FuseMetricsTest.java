package io.github.fusespringboot.actuate.metrics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.FuseMountException;
import io.github.fusespringboot.mount.FuseTestExtension;
import io.github.fusespringboot.mount.MountSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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

    @Test
    void theMetersOfAMountAreRemovedWhenItIsUnmounted(FuseTestExtension.Fixture fx) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new FuseMetrics(fx.manager(), true).bindTo(registry);
        Path dir = fx.dir("tenant");
        HelloFuse filesystem = new HelloFuse();
        try (FuseMount mount = fx.manager().mount(MountSpec.builder("tenant-a", dir, filesystem).build())) {
            assertThat(Files.readString(dir.resolve("hello"))).isEqualTo("Hello World!");
            assertThat(registry.find("fuse.operations").tag("mount", "tenant-a").timers()).isNotEmpty();
        }
        assertThat(registry.find("fuse.operations").timers()).isEmpty();
        // the same name again starts from zero instead of carrying on the old mount's timers
        try (FuseMount mount = fx.manager().mount(MountSpec.builder("tenant-a", dir, filesystem).build())) {
            assertThat(Files.readString(dir.resolve("hello"))).isEqualTo("Hello World!");
            assertThat(registry.get("fuse.operations").tags("mount", "tenant-a", "operation", "read").timer().count())
                .isEqualTo(1);
        }
        assertThat(registry.find("fuse.operations").timers()).isEmpty();
    }

    @Test
    @Timeout(110)
    void tenThousandRuntimeMountsLeaveTheMeterCountFlat(FuseTestExtension.Fixture fx) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new FuseMetrics(fx.manager(), true).bindTo(registry);
        // one instance for every mount: constructing a jnr-fuse filesystem is slow (see the README)
        HelloFuse filesystem = new HelloFuse();
        int workers = 2;
        int cyclesPerWorker = 5_000;
        List<Path> dirs = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            dirs.add(fx.dir("worker-" + w));
        }
        cycle(fx, filesystem, dirs.get(0), "warm-up", registry);
        int baseline = registry.getMeters().size();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                Path dir = dirs.get(w);
                String prefix = "tenant-" + w + "-";
                runs.add(pool.submit(() -> {
                    for (int i = 0; i < cyclesPerWorker; i++) {
                        cycle(fx, filesystem, dir, prefix + i, null);
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get(100, TimeUnit.SECONDS);
            }
        }
        finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(registry.get("fuse.mount").tag("result", "success").timer().count())
            .isEqualTo(1 + workers * cyclesPerWorker);
        assertThat(registry.find("fuse.operations").timers().size()).as("fuse.operations timers left").isZero();
        assertThat(registry.getMeters().size()).as("meters after 10,000 mounts").isEqualTo(baseline);
    }

    /** Mounts, reads the file through the kernel (so operations are timed), unmounts. */
    private static void cycle(FuseTestExtension.Fixture fx, HelloFuse filesystem, Path dir, String name,
            SimpleMeterRegistry registry) throws Exception {
        try (FuseMount mount = fx.manager().mount(MountSpec.builder(name, dir, filesystem).build())) {
            assertThat(Files.readString(dir.resolve("hello"))).isEqualTo("Hello World!");
            if (registry != null) {
                assertThat(registry.find("fuse.operations").tag("mount", name).timers()).isNotEmpty();
            }
        }
    }

}
