package io.github.fusespringboot.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;

import io.github.fusespringboot.context.FuseLifecycle;
import io.github.fusespringboot.context.MountDefaults;
import io.github.fusespringboot.mount.MountSpec;
import io.github.fusespringboot.mount.MountManager;
import io.github.fusespringboot.mount.FuseTestExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.FuseFS;
import ru.serce.jnrfuse.examples.HelloFuse;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(FuseTestExtension.class)
class FuseAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(FuseAutoConfiguration.class));

    @Test
    void providesTheMountManagerAndTheLifecycleOnLinux() {
        this.runner.run((context) -> {
            assertThat(context).hasSingleBean(MountManager.class).hasBean("fuseMountManager");
            assertThat(context).hasSingleBean(FuseLifecycle.class).hasBean("fuseLifecycle");
            assertThat(context).hasSingleBean(FuseProperties.class);
            FuseLifecycle lifecycle = context.getBean(FuseLifecycle.class);
            assertThat(lifecycle.isRunning()).isTrue();
            assertThat(lifecycle.declaredMounts()).isEmpty();
            assertThat(lifecycle.mountManager()).isSameAs(context.getBean(MountManager.class));
        });
    }

    @Test
    void runtimeMountsCanStartFromTheConfiguredDefaults() {
        this.runner
            .withPropertyValues("fuse.default-options=attr_timeout=2", "fuse.mount-timeout=3s",
                    "fuse.unmount-timeout=4s", "fuse.multithreaded=false", "fuse.max-threads=2")
            .run((context) -> {
                MountSpec spec = context.getBean("fuseMountDefaults", MountDefaults.class)
                    .builder("runtime", Path.of("/srv/fuse/runtime"), new HelloFuse())
                    .option("max_read=65536")
                    .build();
                assertThat(spec.options()).containsExactly("attr_timeout=2", "max_read=65536");
                assertThat(spec.mountTimeout()).isEqualTo(Duration.ofSeconds(3));
                assertThat(spec.unmountTimeout()).isEqualTo(Duration.ofSeconds(4));
                assertThat(spec.multithreaded()).isFalse();
                assertThat(spec.maxThreads()).isEqualTo(2);
            });
    }

    @Test
    void backsOffWhenFuseIsDisabled() {
        this.runner.withPropertyValues("fuse.enabled=false").run((context) -> {
            assertThat(context).doesNotHaveBean(MountManager.class);
            assertThat(context).doesNotHaveBean(FuseLifecycle.class);
            assertThat(context).doesNotHaveBean(MountDefaults.class);
        });
    }

    @Test
    void backsOffWithoutJnrFuseOnTheClasspath() {
        this.runner.withClassLoader(new FilteredClassLoader(FuseFS.class)).run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(MountManager.class);
            assertThat(context).doesNotHaveBean(FuseLifecycle.class);
        });
    }

    @Test
    void usesAMountManagerTheApplicationDefines() {
        this.runner.withUserConfiguration(OwnManagerConfiguration.class).run((context) -> {
            assertThat(context).hasSingleBean(MountManager.class).hasBean("ownManager").doesNotHaveBean(
                    "fuseMountManager");
            assertThat(context.getBean(FuseLifecycle.class).mountManager())
                .isSameAs(context.getBean("ownManager"));
        });
    }

    @Test
    void lifecyclePhaseDefaultsToJustBeforeTheWebServer() {
        this.runner.run((context) -> {
            int webServerPhase = Integer.MAX_VALUE - 2048;
            assertThat(context.getBean(FuseLifecycle.class).getPhase()).isEqualTo(Integer.MAX_VALUE - 4096)
                .isLessThan(webServerPhase)
                .isEqualTo(FuseProperties.DEFAULT_LIFECYCLE_PHASE);
        });
    }

    @Test
    void lifecyclePhaseCanBeConfigured() {
        this.runner.withPropertyValues("fuse.lifecycle-phase=42")
            .run((context) -> assertThat(context.getBean(FuseLifecycle.class).getPhase()).isEqualTo(42));
    }

    @Test
    void linuxConditionDoesNotMatchOtherOperatingSystems() {
        ConditionOutcome mac = new OnLinuxCondition(() -> "Mac OS X").getMatchOutcome(null, null);
        ConditionOutcome windows = new OnLinuxCondition(() -> "Windows 11").getMatchOutcome(null, null);
        ConditionOutcome linux = new OnLinuxCondition(() -> "Linux").getMatchOutcome(null, null);
        assertThat(mac.isMatch()).isFalse();
        assertThat(mac.getMessage()).contains("Mac OS X");
        assertThat(windows.isMatch()).isFalse();
        assertThat(linux.isMatch()).isTrue();
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnManagerConfiguration {

        @Bean
        MountManager ownManager() {
            return new MountManager();
        }

    }

}
