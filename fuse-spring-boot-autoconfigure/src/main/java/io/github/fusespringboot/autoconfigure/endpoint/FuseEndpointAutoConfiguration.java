// Auto-configuration of the fuse actuator endpoint.
package io.github.fusespringboot.autoconfigure.endpoint;

import io.github.fusespringboot.actuate.endpoint.FuseEndpoint;
import io.github.fusespringboot.actuate.endpoint.FuseEndpointWebExtension;
import io.github.fusespringboot.autoconfigure.FuseAutoConfiguration;
import io.github.fusespringboot.context.FuseLifecycle;
import io.github.fusespringboot.mount.MountManager;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of the
 * {@code fuse} endpoint, when it is exposed ({@code management.endpoints.web.exposure.include}), and of
 * its HTTP status codes when it is exposed over the web.
 */
@AutoConfiguration(after = FuseAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(MountManager.class)
@ConditionalOnAvailableEndpoint(FuseEndpoint.class)
public final class FuseEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    FuseEndpoint fuseEndpoint(ObjectProvider<FuseLifecycle> lifecycle, MountManager manager) {
        return new FuseEndpoint(lifecycle.getIfAvailable(), manager);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(FuseEndpoint.class)
    @ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
    FuseEndpointWebExtension fuseEndpointWebExtension(FuseEndpoint endpoint) {
        return new FuseEndpointWebExtension(endpoint);
    }

}
