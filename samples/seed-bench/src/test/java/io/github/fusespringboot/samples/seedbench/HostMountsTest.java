package io.github.fusespringboot.samples.seedbench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.fusespringboot.mount.MountTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.SpringApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** --host-mounts fills the mount table only inside a private mount namespace, and only for the run. */
class HostMountsTest {

    private static final Path ROOT = Path.of(System.getProperty("fuse.test.root", "/tmp/fuse-spring-boot-tests"));

    @Test
    @Timeout(60)
    void areRefusedInTheNamespaceOtherProcessesShare() throws Exception {
        Path root = Files.createDirectories(ROOT).resolve("seed-bench-host-mounts-refused-" + ProcessHandle.current().pid());

        Throwable error = catchThrowable(() -> SpringApplication.run(SeedBenchApplication.class, "--cycles=10",
                "--workers=1", "--host-mounts=3", "--root=" + root));

        Throwable cause = error;
        while (cause != null && cause.getCause() != null) {
            cause = cause.getCause();
        }
        assertThat(cause).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("private mount namespace")
            .hasMessageContaining("unshare -m");
        assertThat(MountTable.read().entries()).noneMatch((e) -> e.source().equals("seed-bench-host-mount"));
        assertThat(root.resolve("host-mounts")).doesNotExist();
        Files.deleteIfExists(root);
    }

    @Test
    @Timeout(120)
    void areMadeForTheRunInAPrivateNamespaceAndNobodyElseSeesThem() throws Exception {
        Path root = Files.createDirectories(ROOT).resolve("seed-bench-host-mounts-" + ProcessHandle.current().pid());
        Path javaHome = Path.of(System.getProperty("java.home"));
        Process bench = new ProcessBuilder(List.of("unshare", "-m", "--propagation", "private",
                javaHome.resolve("bin/java").toString(), "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                SeedBenchApplication.class.getName(), "--cycles=100", "--workers=2", "--host-mounts=300",
                "--root=" + root))
            .redirectErrorStream(true)
            .start();
        bench.getOutputStream().close();
        String output = new String(bench.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bench.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(bench.exitValue()).as(output).isZero();
        assertThat(output).contains("host-mounts: added 300 tmpfs mounts")
            .containsPattern("RESULT .*failures=0 .*leaked_mounts=0 leaked_fds=0 leaked_threads=0 host_mounts=300");
        assertThat(MountTable.read().entries()).as("never visible outside the bench's namespace")
            .noneMatch((e) -> e.source().equals("seed-bench-host-mount"));
        assertThat(root.resolve("host-mounts")).as("removed after the run").doesNotExist();
        Files.deleteIfExists(root);
    }

}
