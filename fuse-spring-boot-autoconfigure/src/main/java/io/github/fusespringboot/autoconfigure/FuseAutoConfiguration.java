// Auto-configuration of the mount engine and the lifecycle that mounts @FuseFilesystem beans.
package io.github.fusespringboot.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.fusespringboot.context.FuseFilesystemBeans;
import io.github.fusespringboot.context.FuseLifecycle;
import io.github.fusespringboot.context.MountDefaults;
import io.github.fusespringboot.context.MountOverride;
import io.github.fusespringboot.mount.MountManager;
import ru.serce.jnrfuse.FuseFS;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for FUSE
 * mounts: a {@link MountManager} (the runtime API, injectable), the {@link MountDefaults} from the
 * {@code fuse.*} properties, and a {@link FuseLifecycle} that mounts the {@code @FuseFilesystem} beans on
 * start and unmounts everything, runtime mounts included, on stop. With {@code fuse.auto-startup=false}
 * the beans are all there but nothing is mounted until asked; {@code fuse.enabled=false} backs off.
 */
@AutoConfiguration
@ConditionalOnClass(FuseFS.class)
@Conditional(OnLinuxCondition.class)
@ConditionalOnBooleanProperty(name = "fuse.enabled", matchIfMissing = true)
@EnableConfigurationProperties(FuseProperties.class)
public final class FuseAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    MountManager fuseMountManager() {
        return new MountManager();
    }

    @Bean
    @ConditionalOnMissingBean
    MountDefaults fuseMountDefaults(FuseProperties properties) {
        return new MountDefaults(properties.getDefaultOptions(), properties.isMultithreaded(),
                properties.getMaxThreads(), properties.getMountTimeout(), properties.getUnmountTimeout(),
                properties.getCleanStaleMounts(), properties.getUnmount().toEscalation(),
                properties.isAllowSystemDirectories(), properties.getMountStrategy());
    }

    @Bean
    FuseLifecycle fuseLifecycle(MountManager mountManager, MountDefaults fuseMountDefaults, FuseProperties properties,
            ConfigurableListableBeanFactory beanFactory, Environment environment) {
        Map<String, MountOverride> overrides = new LinkedHashMap<>();
        properties.getMounts()
            .forEach((name, mount) -> overrides.put(name, new MountOverride(mount.getMountPoint(), mount.isEnabled(),
                    mount.getReadOnly(), mount.getOptions(), mount.getOrder(), mount.getMountStrategy())));
        FuseFilesystemBeans filesystems = new FuseFilesystemBeans(beanFactory, environment, fuseMountDefaults,
                overrides);
        FuseLifecycle lifecycle = new FuseLifecycle(mountManager, filesystems, properties.getConcurrency(),
                properties.isFailFast(), properties.getLifecyclePhase());
        lifecycle.setAutoStartup(properties.isAutoStartup());
        lifecycle.setKeepAlive(properties.isKeepAlive());
        return lifecycle;
    }

}
