// Auto-configuration of the fuse health contributor.
package io.github.fusespringboot.autoconfigure.health;

import io.github.fusespringboot.autoconfigure.FuseAutoConfiguration;
import io.github.fusespringboot.autoconfigure.FuseProperties;
import io.github.fusespringboot.context.FuseLifecycle;
import io.github.fusespringboot.health.FuseHealthContributor;
import io.github.fusespringboot.mount.MountManager;
import io.github.fusespringboot.mount.MountProbe;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of the
 * {@code fuse} health contributor ({@code /actuator/health/fuse}, one component per mount), on by
 * default, off with {@code management.health.fuse.enabled=false}.
 */
@AutoConfiguration(after = FuseAutoConfiguration.class,
        beforeName = "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration")
@ConditionalOnClass(HealthContributor.class)
@ConditionalOnBean(MountManager.class)
@ConditionalOnEnabledHealthIndicator("fuse")
public final class FuseHealthContributorAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    MountProbe fuseMountProbe(FuseProperties properties) {
        return new MountProbe(properties.getHealth().getProbeTimeout(), properties.getHealth().getCacheTimeToLive());
    }

    @Bean
    @ConditionalOnMissingBean(name = "fuseHealthContributor")
    FuseHealthContributor fuseHealthContributor(ObjectProvider<FuseLifecycle> lifecycle, MountManager manager,
            MountProbe probe) {
        return new FuseHealthContributor(lifecycle.getIfAvailable(), manager, probe);
    }

}
