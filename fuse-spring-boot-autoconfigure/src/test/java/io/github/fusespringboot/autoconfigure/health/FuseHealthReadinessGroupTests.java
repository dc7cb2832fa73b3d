package io.github.fusespringboot.autoconfigure.health;

import io.github.fusespringboot.FuseFilesystem;
import io.github.fusespringboot.autoconfigure.FuseAutoConfiguration;
import io.github.fusespringboot.mount.FuseTestExtension;
import io.github.fusespringboot.mount.MountManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.examples.HelloFuse;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's readiness group ({@code readinessState,fuse}) with the starter switched off, on Boot's
 * own health auto-configuration: what fails, and the two ways that work.
 */
@ExtendWith(FuseTestExtension.class)
class FuseHealthReadinessGroupTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(FuseAutoConfiguration.class,
                FuseHealthContributorAutoConfiguration.class, EndpointAutoConfiguration.class,
                HealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
                HealthEndpointAutoConfiguration.class, AvailabilityProbesAutoConfiguration.class,
                AvailabilityHealthContributorAutoConfiguration.class, ApplicationAvailabilityAutoConfiguration.class))
        .withPropertyValues("management.endpoint.health.group.readiness.include=readinessState,fuse");

    @Test
    void withFuseDisabledBootRefusesAReadinessGroupThatNamesFuse() {
        this.runner.withPropertyValues("fuse.enabled=false").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                .hasMessageContaining("Included health contributor 'fuse' in group 'readiness' does not exist");
        });
    }

    @Test
    void withTheFuseContributorSwitchedOffBootRefusesAReadinessGroupThatNamesFuse() {
        this.runner.withPropertyValues("management.health.fuse.enabled=false").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                .hasMessageContaining("Included health contributor 'fuse' in group 'readiness' does not exist");
        });
    }

    @Test
    void withFuseDisabledAndGroupMembershipNotValidatedTheReadinessGroupWorks() {
        this.runner.withPropertyValues("fuse.enabled=false", "management.endpoint.health.validate-group-membership=false")
            .run((context) -> {
                assertThat(context).hasNotFailed().doesNotHaveBean(MountManager.class);
                CompositeHealthDescriptor readiness = readiness(context);
                assertThat(readiness.getStatus()).isEqualTo(Status.UP);
                assertThat(readiness.getComponents()).containsOnlyKeys("readinessState");
            });
    }

    @Test
    void withAutoStartupOffTheReadinessGroupKeepsFuseWhichCountsOnceMounted(FuseTestExtension.Fixture fx) {
        this.runner.withUserConfiguration(OneDeclared.class)
            .withPropertyValues("fuse.auto-startup=false", "test.root=" + fx.root())
            .run((context) -> {
                assertThat(context).hasNotFailed();
                CompositeHealthDescriptor before = readiness(context);
                assertThat(before.getComponents()).containsOnlyKeys("readinessState", "fuse");
                // not mounted yet: UNKNOWN, which Boot's aggregation ranks below UP
                assertThat(before.getComponents().get("fuse").getStatus()).isEqualTo(Status.UNKNOWN);
                assertThat(before.getStatus()).isEqualTo(Status.UP);
                context.start();
                CompositeHealthDescriptor after = readiness(context);
                assertThat(after.getComponents().get("fuse").getStatus()).isEqualTo(Status.UP);
                assertThat(after.getStatus()).isEqualTo(Status.UP);
            });
    }

    /** The readiness group, once the application accepts traffic (SpringApplication would say so). */
    private static CompositeHealthDescriptor readiness(AssertableApplicationContext context) {
        AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
        return (CompositeHealthDescriptor) context.getBean(HealthEndpoint.class).healthForPath("readiness");
    }

    @Configuration(proxyBeanMethods = false)
    static class OneDeclared {

        @Bean
        @FuseFilesystem(name = "one", mountPoint = "${test.root}/one")
        HelloFuse one() {
            return new HelloFuse();
        }

    }

}
