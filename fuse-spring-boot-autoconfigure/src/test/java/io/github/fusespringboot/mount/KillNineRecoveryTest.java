package io.github.fusespringboot.mount;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.examples.HelloFuse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A JVM with mounts is killed with SIGKILL, leaving dead mounts ("Transport endpoint is not
 * connected") on its directories; a new manager mounts on the same directories and comes up healthy.
 */
@ExtendWith(FuseTestExtension.class)
class KillNineRecoveryTest {

    @Test
    @Timeout(90)
    void afterKillNineANewRunMountsOnTheSameDirectoriesAndIsHealthy(FuseTestExtension.Fixture fx) throws Exception {
        List<Path> dirs = List.of(fx.dir("a"), fx.dir("b"), fx.dir("c"));
        Path ready = fx.path("ready");
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), MountAndWaitChild.class.getName(),
                ready.toString()));
        dirs.forEach((dir) -> command.add(dir.toString()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(fx.path("child.log").toFile())
            .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(ready) && child.isAlive() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(Files.exists(ready)).as("child mounted (see %s)", fx.path("child.log")).isTrue();
            for (Path dir : dirs) {
                assertThat(MountTable.read().find(dir)).hasValueSatisfying(
                        (entry) -> assertThat(entry.source()).startsWith(FuseMount.SOURCE_PREFIX));
            }
        }
        finally {
            child.destroyForcibly(); // SIGKILL
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        for (Path dir : dirs) {
            assertThat(StaleMounts.probe(dir.toString())).isEqualTo(StaleMounts.Liveness.DEAD);
        }

        try (MountProbe probe = new MountProbe(Duration.ofSeconds(1), Duration.ZERO)) {
            List<FuseMount> mounts = new ArrayList<>();
            for (Path dir : dirs) {
                mounts.add(fx.manager().mount(MountSpec.builder("again-" + dir.getFileName(), dir, new HelloFuse()).build()));
            }
            for (FuseMount mount : mounts) {
                assertThat(Files.readString(mount.mountPoint().resolve("hello"))).isEqualTo("Hello World!");
                MountHealth health = probe.check(mount);
                assertThat(health.up()).as(health.reason()).isTrue();
            }
            for (Path dir : dirs) {
                // only our new mount is left on each directory: the dead one was detached, not stacked under
                assertThat(MountTable.read().entries().stream().filter((e) -> e.mountPoint().equals(dir.toString())))
                    .hasSize(1);
            }
        }
    }

}
