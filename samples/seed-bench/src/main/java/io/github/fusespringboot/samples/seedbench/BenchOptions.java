// The switches of seed-bench, read from --name=value arguments.
package io.github.fusespringboot.samples.seedbench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.convert.DurationStyle;

/**
 * What to run: how many cycles, how many workers, which loop, which filesystem mode, which mount path
 * (ours or jnr-fuse's own, as a baseline), where, the watchdog's bound, and how many unrelated
 * mounts to add to the mount table for the run.
 */
record BenchOptions(int cycles, int workers, boolean multithreaded, FsMode fs, boolean jnrFuseBaseline, Path root,
        Duration watchdog, Duration progressEvery, int hostMounts) {

    enum FsMode {

        /** One filesystem instance (on ManagedFuseStubFS) per worker, reused for every cycle of that worker. */
        SHARED,

        /** A new instance every cycle, as in the go-fuse reproducer. */
        FRESH,

        /** A new instance every cycle, of a filesystem built on ManagedFuseStubFS (no per-instance binding). */
        FRESH_MANAGED

    }

    static BenchOptions from(ApplicationArguments args) {
        String loop = single(args, "loop", "multi");
        if (!loop.equals("multi") && !loop.equals("single")) {
            throw new IllegalArgumentException("--loop must be single or multi, not " + loop);
        }
        String fs = single(args, "fs", "shared");
        if (!fs.equals("shared") && !fs.equals("fresh") && !fs.equals("fresh-managed")) {
            throw new IllegalArgumentException("--fs must be shared, fresh or fresh-managed, not " + fs);
        }
        String baseline = single(args, "baseline", "none");
        if (!baseline.equals("none") && !baseline.equals("jnr-fuse")) {
            throw new IllegalArgumentException("--baseline must be jnr-fuse (or left out), not " + baseline);
        }
        int cycles = Integer.parseInt(single(args, "cycles", "10000"));
        int workers = Integer.parseInt(single(args, "workers", "8"));
        if (cycles < 1 || workers < 1) {
            throw new IllegalArgumentException("--cycles and --workers must be at least 1");
        }
        int hostMounts = Integer.parseInt(single(args, "host-mounts", "0"));
        if (hostMounts < 0 || hostMounts > 100_000) {
            throw new IllegalArgumentException("--host-mounts must be between 0 and 100000, not " + hostMounts);
        }
        return new BenchOptions(cycles, workers, loop.equals("multi"),
                switch (fs) {
                    case "fresh" -> FsMode.FRESH;
                    case "fresh-managed" -> FsMode.FRESH_MANAGED;
                    default -> FsMode.SHARED;
                }, baseline.equals("jnr-fuse"),
                Path.of(single(args, "root", "/tmp/fuse-seed-bench")).toAbsolutePath().normalize(),
                DurationStyle.detectAndParse(single(args, "watchdog", "10s")),
                DurationStyle.detectAndParse(single(args, "progress", "5s")), hostMounts);
    }

    private static String single(ApplicationArguments args, String name, String fallback) {
        List<String> values = args.getOptionValues(name);
        return (values == null || values.isEmpty()) ? fallback : values.get(values.size() - 1);
    }

    String mode() {
        return this.jnrFuseBaseline ? "jnr-fuse" : "starter";
    }

}
