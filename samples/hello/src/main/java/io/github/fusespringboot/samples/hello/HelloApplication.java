// A web application that serves two FUSE filesystems while it runs.
package io.github.fusespringboot.samples.hello;

import io.github.fusespringboot.FuseFilesystem;
import ru.serce.jnrfuse.examples.MemoryFS;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * Mounts {@link HelloFilesystem} read-only and jnr-fuse's in-memory {@link MemoryFS} read-write; their
 * directories come from {@code application.yml}. The mounts are up before the web server takes
 * requests and gone once the application has stopped.
 */
@SpringBootApplication
public class HelloApplication {

    @Bean
    @FuseFilesystem(readOnly = true)
    HelloFilesystem hello() {
        return new HelloFilesystem("Hello from fuse-spring-boot!\n");
    }

    @Bean
    @FuseFilesystem(order = 1)
    MemoryFS memory() {
        return new MemoryFS();
    }

    public static void main(String[] args) {
        SpringApplication.run(HelloApplication.class, args);
    }

}
