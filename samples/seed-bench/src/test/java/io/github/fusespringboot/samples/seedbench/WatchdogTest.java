package io.github.fusespringboot.samples.seedbench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.github.fusespringboot.test.FuseMountTest;
import io.github.fusespringboot.test.FuseMounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** A cycle stuck past the bound ends the benchmark with a report and status 3, instead of a hang. */
@FuseMountTest
class WatchdogTest {

    @Test
    @Timeout(60)
    void aStuckCycleEndsTheRunWithAThreadDumpKernelStacksAndStatus3(FuseMounts mounts) throws Exception {
        Path root = mounts.directory();
        Path out = Files.createTempFile(root, "watchdog-", ".log");
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), WatchdogChild.class.getName(), root.toString())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
        boolean ended = child.waitFor(30, TimeUnit.SECONDS);
        if (!ended) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String report = Files.readString(out);
        Files.delete(out);
        assertThat(ended).as(report).isTrue();
        assertThat(child.exitValue()).as(report).isEqualTo(Watchdog.EXIT_STUCK);
        assertThat(report).contains("WATCHDOG worker 1 has been in one cycle for", "WATCHDOG Java threads:",
                "\"main\"", "WATCHDOG kernel stacks of this process's tasks:", "WATCHDOG FUSE mounts under");
    }

}
