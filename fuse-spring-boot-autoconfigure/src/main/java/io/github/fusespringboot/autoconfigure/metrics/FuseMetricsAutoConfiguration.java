// Auto-configuration of the mount metrics.
package io.github.fusespringboot.autoconfigure.metrics;

import io.github.fusespringboot.actuate.metrics.FuseMetrics;
import io.github.fusespringboot.autoconfigure.FuseAutoConfiguration;
import io.github.fusespringboot.autoconfigure.FuseProperties;
import io.github.fusespringboot.mount.MountManager;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of the
 * mount meters ({@code fuse.mounts}, {@code fuse.mount}, {@code fuse.unmount}, {@code fuse.failures},
 * and {@code fuse.operations} with {@code fuse.metrics.operations.enabled=true}).
 */
@AutoConfiguration(after = FuseAutoConfiguration.class,
        afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
                "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, MountManager.class })
public final class FuseMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    FuseMetrics fuseMetrics(MountManager manager, FuseProperties properties) {
        return new FuseMetrics(manager, properties.getMetrics().getOperations().isEnabled());
    }

}
