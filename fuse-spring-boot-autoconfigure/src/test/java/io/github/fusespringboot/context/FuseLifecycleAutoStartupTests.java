package io.github.fusespringboot.context;

import java.nio.file.Files;
import java.nio.file.Path;

import io.github.fusespringboot.FuseFilesystem;
import io.github.fusespringboot.actuate.endpoint.FuseEndpoint;
import io.github.fusespringboot.autoconfigure.FuseAutoConfiguration;
import io.github.fusespringboot.autoconfigure.endpoint.FuseEndpointAutoConfiguration;
import io.github.fusespringboot.autoconfigure.health.FuseHealthContributorAutoConfiguration;
import io.github.fusespringboot.health.FuseHealthContributor;
import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.FuseTestExtension;
import io.github.fusespringboot.mount.MountManager;
import io.github.fusespringboot.mount.MountSpec;
import io.github.fusespringboot.mount.MountState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.examples.HelloFuse;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code fuse.auto-startup=false}: every bean is there, nothing is mounted until asked. */
@ExtendWith(FuseTestExtension.class)
class FuseLifecycleAutoStartupTests {

    private ApplicationContextRunner runner(FuseTestExtension.Fixture fx) {
        return new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(FuseAutoConfiguration.class, FuseHealthContributorAutoConfiguration.class,
                            FuseEndpointAutoConfiguration.class, EndpointAutoConfiguration.class))
            .withUserConfiguration(TwoDeclared.class)
            .withPropertyValues("test.root=" + fx.root(), "fuse.auto-startup=false",
                    "management.endpoints.web.exposure.include=fuse");
    }

    @Test
    void withAutoStartupOffTheBeansAreThereButNothingIsMounted(FuseTestExtension.Fixture fx) {
        runner(fx).run((context) -> {
            assertThat(context).hasNotFailed()
                .hasSingleBean(MountManager.class)
                .hasSingleBean(FuseLifecycle.class)
                .hasSingleBean(FuseHealthContributor.class)
                .hasSingleBean(FuseEndpoint.class);
            FuseLifecycle lifecycle = context.getBean(FuseLifecycle.class);
            assertThat(lifecycle.isAutoStartup()).isFalse();
            assertThat(lifecycle.isRunning()).isFalse();
            assertThat(lifecycle.isKeepingAlive()).isFalse();
            assertThat(lifecycle.declaredMounts()).extracting(DeclaredMount::name).containsExactly("one", "two");
            assertThat(lifecycle.declaredMounts()).allSatisfy((mount) -> assertThat(mount.mount()).isEmpty());
            assertThat(context.getBean(MountManager.class).mounts()).isEmpty();
            assertThat(MountInfo.fuseMountsUnder(fx.root())).isEmpty();
            HealthIndicator one = (HealthIndicator) context.getBean(FuseHealthContributor.class).getContributor("one");
            assertThat(one.health().getStatus()).isEqualTo(Status.UNKNOWN);
            assertThat(one.health().getDetails()).containsEntry("state", "NOT_MOUNTED");
        });
    }

    @Test
    void withAutoStartupOffStartingTheContextMountsTheDeclaredFilesystems(FuseTestExtension.Fixture fx) {
        runner(fx).run((context) -> {
            assertThat(MountInfo.fuseMountsUnder(fx.root())).isEmpty();
            context.start();
            FuseLifecycle lifecycle = context.getBean(FuseLifecycle.class);
            assertThat(lifecycle.isRunning()).isTrue();
            assertThat(Files.readString(fx.path("one").resolve("hello"))).isEqualTo("Hello World!");
            assertThat(Files.readString(fx.path("two").resolve("hello"))).isEqualTo("Hello World!");
            HealthIndicator one = (HealthIndicator) context.getBean(FuseHealthContributor.class).getContributor("one");
            assertThat(one.health().getStatus()).isEqualTo(Status.UP);
        });
        assertThat(MountInfo.fuseMountsUnder(fx.root())).isEmpty();
    }

    @Test
    void withAutoStartupOffOneMountCanBeMountedOnRequestAndTheOthersOnStart(FuseTestExtension.Fixture fx) {
        runner(fx).run((context) -> {
            FuseLifecycle lifecycle = context.getBean(FuseLifecycle.class);
            FuseMount one = lifecycle.remount("one");
            assertThat(one.state()).isEqualTo(MountState.MOUNTED);
            assertThat(Files.readString(fx.path("one").resolve("hello"))).isEqualTo("Hello World!");
            assertThat(MountInfo.isMounted(fx.path("two"))).isFalse();
            assertThat(lifecycle.isRunning()).isFalse();
            // start leaves the mount made on request as it is and mounts the rest
            context.start();
            assertThat(lifecycle.isRunning()).isTrue();
            assertThat(lifecycle.declaredMounts().get(0).mount()).containsSame(one);
            assertThat(one.state()).isEqualTo(MountState.MOUNTED);
            assertThat(Files.readString(fx.path("two").resolve("hello"))).isEqualTo("Hello World!");
        });
        assertThat(MountInfo.fuseMountsUnder(fx.root())).isEmpty();
    }

    @Test
    void withAutoStartupOffAMountMadeOnRequestIsUnmountedWhenTheContextCloses(FuseTestExtension.Fixture fx) {
        Path runtimeDir = fx.path("runtime");
        runner(fx).run((context) -> {
            context.getBean(FuseLifecycle.class).remount("two");
            FuseMount runtime = context.getBean(MountManager.class)
                .mount(MountSpec.builder("runtime", runtimeDir, new HelloFuse()).createMountPoint(true).build());
            assertThat(Files.readString(runtimeDir.resolve("hello"))).isEqualTo("Hello World!");
            assertThat(MountInfo.fuseMountsUnder(fx.root())).hasSize(2);
            assertThat(runtime.state()).isEqualTo(MountState.MOUNTED);
        });
        assertThat(MountInfo.fuseMountsUnder(fx.root())).isEmpty();
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoDeclared {

        @Bean
        @FuseFilesystem(name = "one", mountPoint = "${test.root}/one")
        HelloFuse one() {
            return new HelloFuse();
        }

        @Bean
        @FuseFilesystem(name = "two", mountPoint = "${test.root}/two", order = 1)
        HelloFuse two() {
            return new HelloFuse();
        }

    }

}
