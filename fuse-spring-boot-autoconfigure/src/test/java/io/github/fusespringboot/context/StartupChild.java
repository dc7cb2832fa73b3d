// A minimal Spring Boot application with one @FuseFilesystem bean, started as a child JVM by startup tests.
package io.github.fusespringboot.context;

import java.util.Arrays;

import io.github.fusespringboot.FuseFilesystem;
import io.github.fusespringboot.autoconfigure.FuseAutoConfiguration;
import io.github.fusespringboot.mount.ManagedFuseStubFS;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code StartupChild stub|managed [--spring.args ...]}: a non-web application, as a user writes it from
 * the README, whose one filesystem bean ({@code data}, mounted on {@code ${test.root}/data}) extends
 * jnr-fuse's {@code FuseStubFS} ({@code stub}) or the starter's {@code ManagedFuseStubFS}
 * ({@code managed}). Prints {@code STARTED} and exits 0 when the application started; a failed start
 * ends the JVM as Boot ends it (the failure report, exit status 1).
 */
public final class StartupChild {

    private StartupChild() {
    }

    public static void main(String[] args) {
        Class<?> source = switch (args[0]) {
            case "stub" -> StubApplication.class;
            case "managed" -> ManagedApplication.class;
            default -> throw new IllegalArgumentException("stub or managed, not " + args[0]);
        };
        SpringApplication application = new SpringApplication(source);
        application.setWebApplicationType(WebApplicationType.NONE);
        try (ConfigurableApplicationContext context = application.run(Arrays.copyOfRange(args, 1, args.length))) {
            System.out.println("STARTED");
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(FuseAutoConfiguration.class)
    static class StubApplication {

        @Bean
        @FuseFilesystem(mountPoint = "${test.root}/data")
        RootOnlyStubFilesystem data() {
            return new RootOnlyStubFilesystem();
        }

    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(FuseAutoConfiguration.class)
    static class ManagedApplication {

        @Bean
        @FuseFilesystem(mountPoint = "${test.root}/data")
        RootOnlyManagedFilesystem data() {
            return new RootOnlyManagedFilesystem();
        }

    }

    /** An empty directory, the jnr-fuse way. */
    static class RootOnlyStubFilesystem extends FuseStubFS {

        @Override
        public int getattr(String path, FileStat stat) {
            return RootOnly.getattr(path, stat);
        }

    }

    /** An empty directory, the starter's way. */
    static class RootOnlyManagedFilesystem extends ManagedFuseStubFS {

        @Override
        public int getattr(String path, FileStat stat) {
            return RootOnly.getattr(path, stat);
        }

    }

    private static final class RootOnly {

        static int getattr(String path, FileStat stat) {
            if (!path.equals("/")) {
                return -ErrorCodes.ENOENT();
            }
            stat.st_mode.set(FileStat.S_IFDIR | 0755);
            stat.st_nlink.set(2);
            return 0;
        }

    }

}
