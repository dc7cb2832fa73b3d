package io.github.fusespringboot.autoconfigure;

import java.time.Duration;

import io.github.fusespringboot.FuseFilesystem;
import io.github.fusespringboot.context.FuseLifecycle;
import io.github.fusespringboot.mount.FuseTestExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.examples.HelloFuse;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(FuseTestExtension.class)
class FusePropertiesTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(FuseAutoConfiguration.class));

    @Test
    void defaults() {
        this.runner.run((context) -> {
            FuseProperties properties = context.getBean(FuseProperties.class);
            assertThat(properties.isEnabled()).isTrue();
            assertThat(properties.getConcurrency()).isEqualTo(Runtime.getRuntime().availableProcessors());
            assertThat(properties.getMountTimeout()).isEqualTo(Duration.ofSeconds(10));
            assertThat(properties.getUnmountTimeout()).isEqualTo(Duration.ofSeconds(10));
            assertThat(properties.isFailFast()).isTrue();
            assertThat(properties.isMultithreaded()).isTrue();
            assertThat(properties.getMaxThreads()).isEqualTo(10);
            assertThat(properties.getDefaultOptions()).isEmpty();
            assertThat(properties.getFdReservation().isEnabled()).isTrue();
            assertThat(properties.getLifecyclePhase()).isEqualTo(Integer.MAX_VALUE - 4096);
            assertThat(properties.getMounts()).isEmpty();
        });
    }

    @Test
    void bindsEveryProperty() {
        this.runner.withUserConfiguration(HelloConfiguration.class)
            .withPropertyValues("fuse.concurrency=3", "fuse.mount-timeout=250ms", "fuse.unmount-timeout=2m",
                    "fuse.fail-fast=false", "fuse.multithreaded=false", "fuse.max-threads=4",
                    "fuse.default-options=allow_other,max_read=65536", "fuse.fd-reservation.enabled=false",
                    "fuse.lifecycle-phase=-7", "fuse.mounts.hello.mount-point=/srv/fuse/hello",
                    "fuse.mounts.hello.enabled=false", "fuse.mounts.hello.read-only=true",
                    "fuse.mounts.hello.options=nonempty", "fuse.mounts.hello.order=-3")
            .run((context) -> {
                FuseProperties properties = context.getBean(FuseProperties.class);
                assertThat(properties.getConcurrency()).isEqualTo(3);
                assertThat(properties.getMountTimeout()).isEqualTo(Duration.ofMillis(250));
                assertThat(properties.getUnmountTimeout()).isEqualTo(Duration.ofMinutes(2));
                assertThat(properties.isFailFast()).isFalse();
                assertThat(properties.isMultithreaded()).isFalse();
                assertThat(properties.getMaxThreads()).isEqualTo(4);
                assertThat(properties.getDefaultOptions()).containsExactly("allow_other", "max_read=65536");
                assertThat(properties.getFdReservation().isEnabled()).isFalse();
                assertThat(properties.getLifecyclePhase()).isEqualTo(-7);
                FuseProperties.Mount hello = properties.getMounts().get("hello");
                assertThat(hello.getMountPoint()).isEqualTo("/srv/fuse/hello");
                assertThat(hello.isEnabled()).isFalse();
                assertThat(hello.getReadOnly()).isTrue();
                assertThat(hello.getOptions()).containsExactly("nonempty");
                assertThat(hello.getOrder()).isEqualTo(-3);
                assertThat(context.getBean(FuseLifecycle.class).declaredMounts()).isEmpty();
            });
    }

    @Test
    void zeroConcurrencyFailsStartupNamingKeyAndValue() {
        assertInvalid("fuse.concurrency=0", "fuse.concurrency", "0");
    }

    @Test
    void negativeMountTimeoutFailsStartupNamingKeyAndValue() {
        assertInvalid("fuse.mount-timeout=-1s", "fuse.mount-timeout", "PT-1S");
    }

    @Test
    void zeroUnmountTimeoutFailsStartupNamingKeyAndValue() {
        assertInvalid("fuse.unmount-timeout=0s", "fuse.unmount-timeout", "PT0S");
    }

    @Test
    void zeroMaxThreadsFailsStartupNamingKeyAndValue() {
        assertInvalid("fuse.max-threads=0", "fuse.max-threads", "0");
    }

    @Test
    void relativeMountPointFailsStartupNamingKeyAndValue() {
        assertInvalid("fuse.mounts.data.mount-point=mnt/data", "fuse.mounts.data.mount-point", "mnt/data");
    }

    private void assertInvalid(String property, String key, String value) {
        this.runner.withPropertyValues(property).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("Property " + key + " with value '" + value + "' is invalid");
            InvalidConfigurationPropertyValueException invalid = (InvalidConfigurationPropertyValueException) rootCause(
                    context.getStartupFailure());
            assertThat(invalid.getName()).isEqualTo(key);
            assertThat(String.valueOf(invalid.getValue())).isEqualTo(value);
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class HelloConfiguration {

        @Bean
        @FuseFilesystem
        HelloFuse hello() {
            return new HelloFuse();
        }

    }

    private static Throwable rootCause(Throwable ex) {
        Throwable cause = ex;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

}
