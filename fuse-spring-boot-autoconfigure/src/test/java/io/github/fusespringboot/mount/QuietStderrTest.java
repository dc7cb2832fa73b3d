package io.github.fusespringboot.mount;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A normal unmount ends the connection (the kernel answers reads of {@code /dev/fuse} with ENODEV);
 * users must not see anything about that (libfuse's own loop prints "fuse: reading device: Software
 * caused connection abort"). Nothing may reach standard error in a run of mounts and unmounts.
 */
@ExtendWith(FuseTestExtension.class)
class QuietStderrTest {

    @Test
    @Timeout(120)
    void normalMountsAndUnmountsPrintNothingOnStandardError(FuseTestExtension.Fixture fx) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), QuietStderrChild.class.getName(),
                fx.path("cycles").toString()));
        Process child = new ProcessBuilder(command)
            .redirectOutput(fx.path("out.log").toFile())
            .redirectError(fx.path("err.log").toFile())
            .start();
        boolean ended = child.waitFor(100, TimeUnit.SECONDS);
        if (!ended) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(ended).isTrue();
        List<String> out = Files.readAllLines(fx.path("out.log"));
        assertThat(child.exitValue()).as("child output: %s", out).isZero();
        assertThat(out).contains("cycles=300 failures=0");
        List<String> stderr = Files.readAllLines(fx.path("err.log"));
        assertThat(stderr).noneMatch((line) -> line.startsWith("fuse:"));
        assertThat(stderr).noneMatch((line) -> line.contains("reading device"));
    }

}
