// Child JVM of FuseLifecycleKeepAliveTests: a non-web application with one declared mount, nothing else.
package io.github.fusespringboot.context;

import io.github.fusespringboot.FuseFilesystem;
import ru.serce.jnrfuse.examples.HelloFuse;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What a user gets from the README's "Using it" with {@code spring-boot-starter} alone: auto-configuration
 * and one {@code @FuseFilesystem} bean, no web server. Prints {@link #MAIN_RETURNED} once {@code main}
 * is done, so the parent knows that only non-daemon threads can keep the JVM up from then on. (Not a
 * {@code @SpringBootConfiguration}, so that no {@code @SpringBootTest} in these packages picks it up.)
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class KeepAliveApplication {

    static final String MAIN_RETURNED = "KeepAliveApplication: main returned";

    @Bean
    @FuseFilesystem(name = "hello", mountPoint = "${app.mount-point}")
    HelloFuse hello() {
        return new HelloFuse();
    }

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(KeepAliveApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.run(args);
        System.out.println(MAIN_RETURNED);
    }

}
