// How long one health check of a mount takes: the per-mount checks, with the probe's answer cached.
package io.github.fusespringboot.samples.seedbench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.MountHealth;
import io.github.fusespringboot.mount.MountManager;
import io.github.fusespringboot.mount.MountProbe;
import io.github.fusespringboot.mount.MountSpec;
import ru.serce.jnrfuse.examples.HelloFuse;

/**
 * {@code --scenario=health --checks=N}: mounts one hello filesystem and runs N health checks of it
 * with the probe result cached (so what is timed is what every check costs: state, "still ours",
 * waiting requests), in rounds, and prints one {@code RESULT} line per round. With
 * {@code --host-mounts} it shows whether that cost grows with the mount table.
 */
final class HealthBench {

    private final MountManager manager;

    private final BenchOptions options;

    private final int checks;

    private final PrintStream out;

    HealthBench(MountManager manager, BenchOptions options, int checks, PrintStream out) {
        this.manager = manager;
        this.options = options;
        this.checks = checks;
        this.out = out;
    }

    int run() throws Exception {
        Path dir = Files.createDirectories(this.options.root().resolve("health"));
        try (HostMounts hostMounts = HostMounts.add(this.options.root().resolve("host-mounts"),
                this.options.hostMounts(), this.out);
                MountProbe probe = new MountProbe(Duration.ofSeconds(1), Duration.ofHours(1));
                FuseMount mount = this.manager.mount(MountSpec.builder("health", dir, new HelloFuse()).build())) {
            for (int round = 1; round <= 3; round++) {
                long started = System.nanoTime();
                for (int i = 0; i < this.checks; i++) {
                    MountHealth health = probe.check(mount);
                    if (!health.up()) {
                        this.out.println("FAILURE health check: " + health.reason());
                        return 1;
                    }
                }
                double micros = (System.nanoTime() - started) / 1e3 / this.checks;
                this.out.printf(Locale.ROOT, "RESULT scenario=health round=%d checks=%d us_per_check=%.1f host_mounts=%d%n",
                        round, this.checks, micros, this.options.hostMounts());
            }
        }
        finally {
            Files.deleteIfExists(dir);
        }
        return 0;
    }

}
