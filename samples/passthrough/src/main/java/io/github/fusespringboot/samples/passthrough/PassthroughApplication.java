// Runs the passthrough sample: mounts PassthroughFilesystem until the application is stopped.
package io.github.fusespringboot.samples.passthrough;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.github.fusespringboot.FuseFilesystem;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * Mounts a {@link PassthroughFilesystem} on {@code passthrough.mount-point}, storing its files in
 * {@code passthrough.backing-dir} (see application.yml). Stop it with Ctrl-C or SIGTERM: the mount is
 * unmounted before the filesystem bean goes away, so every write that returned is in the backing
 * directory.
 *
 * <pre>
 * java -jar fuse-spring-boot-sample-passthrough.jar --passthrough.backing-dir=/srv/data --passthrough.mount-point=/mnt/data
 * </pre>
 */
@SpringBootApplication
public class PassthroughApplication {

    public static void main(String[] args) {
        SpringApplication.run(PassthroughApplication.class, args);
    }

    /** The mount is named "passthrough": {@code fuse.mounts.passthrough.*} overrides its settings. */
    @Bean
    @FuseFilesystem(name = "passthrough", mountPoint = "${passthrough.mount-point}")
    PassthroughFilesystem passthroughFilesystem(@Value("${passthrough.backing-dir}") Path backingDir)
            throws IOException {
        return new PassthroughFilesystem(Files.createDirectories(backingDir));
    }

}
