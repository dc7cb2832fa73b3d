package io.github.fusespringboot.samples.seedbench;

import java.nio.file.Files;
import java.nio.file.Path;

import io.github.fusespringboot.mount.MountTable;
import io.github.fusespringboot.test.FuseMountTest;
import io.github.fusespringboot.test.FuseMounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs seed-bench as users do, through the starter's MountManager bean, at a small size. */
@FuseMountTest
@ExtendWith(OutputCaptureExtension.class)
class SeedBenchApplicationTest {

    @Test
    @Timeout(120)
    void smallRunEndsWithACleanResultLine(CapturedOutput output, FuseMounts mounts) throws Exception {
        Path root = mounts.directory().resolve("seed-bench");
        try (ConfigurableApplicationContext context = SpringApplication.run(SeedBenchApplication.class,
                "--cycles=400", "--workers=4", "--loop=single", "--root=" + root, "--progress=1s")) {
            assertThat(SpringApplication.exit(context)).isZero();
        }
        assertThat(output.getOut()).containsPattern(
                "RESULT mode=starter cycles=400 workers=4 failures=0 seconds=\\S+ cycles_per_s=\\d+ mount_p50_ms=\\S+ "
                        + "mount_p99_ms=\\S+ unmount_p50_ms=\\S+ unmount_p99_ms=\\S+ leaked_mounts=0 leaked_fds=0 "
                        + "leaked_threads=0");
        assertThat(output.getOut()).contains("MEMORY phase=start", "MEMORY phase=end");
        assertThat(output.getOut()).containsPattern("CPU us per cycle: total=\\d+ user=\\d+ sys=\\d+ workers=\\d+ "
                + "\\(user \\d+\\) serving=\\d+ jit=\\d+ gc=\\d+ other=-?\\d+");
        assertThat(MountTable.read().fuseMountsUnder(root)).isEmpty();
        Files.deleteIfExists(root);
    }

    @Test
    @Timeout(120)
    void freshManagedInstancesWorkToo(CapturedOutput output, FuseMounts mounts) throws Exception {
        Path root = mounts.directory().resolve("seed-bench-fresh");
        try (ConfigurableApplicationContext context = SpringApplication.run(SeedBenchApplication.class,
                "--cycles=200", "--workers=8", "--fs=fresh-managed", "--loop=multi", "--root=" + root)) {
            assertThat(SpringApplication.exit(context)).isZero();
        }
        assertThat(output.getOut()).contains("fs=fresh-managed").containsPattern("RESULT .*failures=0 .*leaked_mounts=0 leaked_fds=0 leaked_threads=0");
        Files.deleteIfExists(root);
    }

}
