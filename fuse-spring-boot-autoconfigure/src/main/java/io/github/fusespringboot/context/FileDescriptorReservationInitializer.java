// Reserves descriptors 0-3 before the first bean exists, so no FUSE descriptor can ever land on them.
package io.github.fusespringboot.context;

import io.github.fusespringboot.mount.FileDescriptorReservation;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Calls {@link FileDescriptorReservation#reserve()} while the context is being prepared, before any
 * bean (and so before any mount) exists, unless {@code fuse.fd-reservation.enabled} or
 * {@code fuse.enabled} is false. Registered in {@code META-INF/spring.factories}; the reservation is
 * idempotent, so several contexts in one JVM are fine.
 */
public class FileDescriptorReservationInitializer
        implements ApplicationContextInitializer<ConfigurableApplicationContext>, Ordered {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        ConfigurableEnvironment environment = context.getEnvironment();
        if (environment.getProperty("fuse.enabled", Boolean.class, true)
                && environment.getProperty("fuse.fd-reservation.enabled", Boolean.class, true)) {
            FileDescriptorReservation.reserve();
        }
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

}
