// A small Spring Boot application with one @FuseFilesystem bean, whose own mount point is never used by the tests.
package io.github.fusespringboot.test;

import io.github.fusespringboot.FuseFilesystem;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Declares the mount {@code greeting} on a directory that does not exist (and is not created: a
 * test that mounted there would fail), so a test that sees it served proves the redirection.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class GreetingApplication {

    static final String CONFIGURED_MOUNT_POINT = "/nonexistent-fuse-spring-boot-test/greeting";

    @Bean
    @FuseFilesystem(mountPoint = CONFIGURED_MOUNT_POINT, createMountPoint = false, readOnly = true)
    HelloFilesystem greeting() {
        return new HelloFilesystem("Hello from a @FuseFilesystem bean\n");
    }

}
