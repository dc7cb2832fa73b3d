package io.github.fusespringboot.samples.seedbench;

import java.nio.file.Files;
import java.nio.file.Path;

import io.github.fusespringboot.mount.MountTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the idle scenario with 10 mounts and checks its result and goal lines, and that nothing is left mounted. */
@ExtendWith(OutputCaptureExtension.class)
class IdleBenchTest {

    @Test
    @Timeout(120)
    void tenIdleMountsAreCountedAndAllUnmounted(CapturedOutput output) throws Exception {
        Path root = ThroughputBenchTest.root("idle");
        try (ConfigurableApplicationContext context = SpringApplication.run(SeedBenchApplication.class,
                "--scenario=idle", "--mounts=10", "--root=" + root)) {
            assertThat(SpringApplication.exit(context)).isZero();
        }
        assertThat(output.getOut())
            .containsPattern("RESULT scenario=idle loop=multi mounts=10 mount_seconds=\\d+\\.\\d+ "
                    + "mounts_per_s=\\d+ serving_threads=\\d+ jvm_threads=\\d+ jvm_threads_before=\\d+ os_threads=\\d+ "
                    + "rss_kb_before=[1-9]\\d* rss_kb_after=[1-9]\\d* rss_kb_per_mount=-?\\d+\\.\\d "
                    + "heap_kb_per_mount=-?\\d+\\.\\d unmount_seconds=\\d+\\.\\d+ served=true leaked_mounts=0")
            .containsPattern("GOAL scenario=idle serving_threads<=32:(met|missed) rss_kb_per_mount<=64:(met|missed) "
                    + "mount_seconds_for_1000<1:(met|missed)");
        assertThat(MountTable.read().fuseMountsUnder(root)).isEmpty();
        assertThat(root.resolve("idle")).doesNotExist();
        Files.deleteIfExists(root);
    }

}
