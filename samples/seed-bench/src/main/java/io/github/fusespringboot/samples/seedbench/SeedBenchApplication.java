// seed-bench as a Spring Boot command-line application using the starter's MountManager bean.
package io.github.fusespringboot.samples.seedbench;

import java.util.List;

import io.github.fusespringboot.mount.MountManager;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * {@code java -jar seed-bench.jar --cycles=N --workers=P [--loop=single|multi] [--fs=shared|fresh]
 * [--baseline=jnr-fuse] [--root=DIR] [--watchdog=10s] [--host-mounts=N]}. Exits 0 when every cycle succeeded and
 * nothing leaked. {@code --scenario=read --op-timers=none|off|on [--seconds=10]} runs the read
 * benchmark instead; {@code --scenario=throughput} the data-path benchmark ({@link ThroughputBench}) and
 * {@code --scenario=idle --mounts=N} the idle-cost one ({@link IdleBench}).
 * {@code --scenario=health [--checks=20000]} times health checks; {@code --scenario=fill} how fast a
 * read's buffer is cleared ({@link FillBench}).
 */
@SpringBootApplication
public class SeedBenchApplication {

    private int exitCode = 1;

    public static void main(String[] args) {
        System.exit(SpringApplication.exit(SpringApplication.run(SeedBenchApplication.class, args)));
    }

    @Bean
    ApplicationRunner seedBench(MountManager manager) {
        return (ApplicationArguments args) -> {
            BenchOptions options = BenchOptions.from(args);
            List<String> scenario = args.containsOption("scenario") ? args.getOptionValues("scenario") : List.of();
            if (scenario.contains("throughput")) {
                this.exitCode = new ThroughputBench(manager, options, new ScenarioArguments(args), System.out)
                    .run();
            }
            else if (scenario.contains("fill")) {
                this.exitCode = new FillBench(new ScenarioArguments(args), System.out).run();
            }
            else if (scenario.contains("idle")) {
                this.exitCode = new IdleBench(manager, options, new ScenarioArguments(args), System.out).run();
            }
            else if (args.containsOption("scenario") && args.getOptionValues("scenario").contains("read")) {
                String timers = args.containsOption("op-timers") ? args.getOptionValues("op-timers").get(0) : "none";
                int seconds = args.containsOption("seconds") ? Integer.parseInt(args.getOptionValues("seconds").get(0))
                        : 10;
                this.exitCode = new ReadBench(manager, options, timers, seconds, System.out).run();
            }
            else if (args.containsOption("scenario") && args.getOptionValues("scenario").contains("health")) {
                int checks = args.containsOption("checks") ? Integer.parseInt(args.getOptionValues("checks").get(0))
                        : 20000;
                this.exitCode = new HealthBench(manager, options, checks, System.out).run();
            }
            else {
                this.exitCode = new SeedBench(manager, options, System.out).run();
            }
        };
    }

    @Bean
    ExitCodeGenerator seedBenchExitCode() {
        return () -> this.exitCode;
    }

}
