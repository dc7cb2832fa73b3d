// A web application that serves two FUSE filesystems while it runs.
package io.github.fusespringboot.samples.hello;

import io.github.fusespringboot.FuseFilesystem;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * Mounts {@link HelloFilesystem} read-only and the in-memory {@link MemoryFilesystem} read-write; their
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
    // attr_timeout=0: two names of one file (a hard link) are two nodes to the engine (as to libfuse,
    // which knows nodes by path); no stale nlink.
    // use_ino: both names show the node's own inode number (the engine otherwise numbers them apart)
    @FuseFilesystem(order = 1, options = { "attr_timeout=0", "use_ino" })
    MemoryFilesystem memory() {
        return new MemoryFilesystem();
    }

    public static void main(String[] args) {
        SpringApplication.run(HelloApplication.class, args);
    }

}
