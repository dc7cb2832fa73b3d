// The data-path benchmark: dd and stat processes against a zero/sink filesystem, ours and a reference side by side.
package io.github.fusespringboot.samples.seedbench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.MountManager;
import io.github.fusespringboot.mount.MountSpec;

/**
 * Mounts {@link ZeroSinkFs} through the starter ({@code direct_io}, attribute/entry/negative caches
 * off) and runs, per row, 1 or more client processes doing plain syscalls through the kernel:
 * {@code dd} reading {@code /zero} or writing {@code /sink} with 1 MiB or 4 KiB requests, and
 * {@code stat} on {@code zero} many times (each one a lookup and getattr round trip). With
 * {@code --reference=DIR} (a mount of the C reference, {@code src/c/zerofs3.c}), or several
 * {@code --reference=NAME=DIR} (the C reference, the go-fuse peer {@code src/go/zerofs}, ...), every row
 * runs against each, alternating ours then the references in order, then the other way round, and the
 * {@code RESULT} line gives the ratio of ours to each one's median. The Java side only waits for the
 * processes: it is never the client.
 */
final class ThroughputBench {

    private static final long MB = 1_000_000;

    private static final long MAX_STATS_PER_CLIENT = 100_000;

    private final MountManager manager;

    private final BenchOptions options;

    private final ScenarioArguments args;

    private final PrintStream out;

    ThroughputBench(MountManager manager, BenchOptions options, ScenarioArguments args, PrintStream out) {
        this.manager = manager;
        this.options = options;
        this.args = args;
        this.out = out;
    }

    /** One row of the table: an operation, a request size (bytes; 0 for stat) and a number of clients. */
    record Row(String op, int requestBytes, int clients, long amount) {

        String name() {
            String size = (this.requestBytes >= 1 << 20) ? (this.requestBytes >> 20) + "MiB"
                    : (this.requestBytes >> 10) + "KiB";
            return this.op.equals("stat") ? "stat-x" + this.clients : this.op + "-" + size + "-x" + this.clients;
        }

        String unit() {
            return this.op.equals("stat") ? "ops/s" : "MB/s";
        }

        /** Blocks (dd) or stat calls per client. */
        long perClient() {
            return Math.max(1, this.amount / this.clients);
        }

        List<String> command(Path mnt, int client) {
            long n = perClient();
            return switch (this.op) {
                case "read" -> List.of("dd", "if=" + mnt.resolve("zero"), "of=/dev/null", "bs=" + this.requestBytes,
                        "count=" + n, "skip=" + (client * n), "status=none");
                case "write" -> List.of("dd", "if=/dev/zero", "of=" + mnt.resolve("sink"), "bs=" + this.requestBytes,
                        "count=" + n, "seek=" + (client * n), "conv=notrunc", "status=none");
                default -> {
                    List<String> stat = new ArrayList<>(List.of("stat", "-c", "%s"));
                    stat.addAll(Collections.nCopies((int) n, "zero"));
                    yield stat;
                }
            };
        }

        String describe() {
            long n = perClient();
            String one = switch (this.op) {
                case "read" -> "dd if=MNT/zero of=/dev/null bs=" + this.requestBytes + " count=" + n + " skip=i*" + n;
                case "write" -> "dd if=/dev/zero of=MNT/sink bs=" + this.requestBytes + " count=" + n + " seek=i*" + n
                        + " conv=notrunc";
                default -> "cd MNT && stat -c %s zero (x" + n + " arguments)";
            };
            return this.clients + " x [" + one + "]";
        }

        /** The figure of one run: MB/s, or stat calls per second. */
        double figure(double seconds) {
            long total = perClient() * this.clients;
            return this.op.equals("stat") ? total / seconds : total * (double) this.requestBytes / MB / seconds;
        }

    }

    List<Row> rows() {
        long mib = this.args.positive("mib", 1024);
        long smallMib = this.args.positive("small-mib", 128);
        long stats = this.args.positive("stats", 20_000);
        List<Row> rows = new ArrayList<>();
        for (String op : List.of("read", "write")) {
            for (int size : List.of(1 << 20, 4 << 10)) {
                for (int clients : this.args.positives("clients", "1,4")) {
                    long blocks = (size == 1 << 20) ? mib : smallMib * 256;
                    rows.add(new Row(op, size, clients, blocks));
                }
            }
        }
        for (int clients : this.args.positives("clients", "1,4")) {
            // one stat process gets all its file names as arguments: keep them well under ARG_MAX
            if (stats / clients > MAX_STATS_PER_CLIENT) {
                throw new IllegalArgumentException("--stats=" + stats + " gives " + (stats / clients)
                        + " stat calls to one client, more than " + MAX_STATS_PER_CLIENT + " (its argument list)");
            }
            rows.add(new Row("stat", 0, clients, stats));
        }
        String only = this.args.text("rows", "");
        return only.isEmpty() ? rows
                : rows.stream().filter((r) -> List.of(only.split(",")).contains(r.name())).toList();
    }

    int run() throws Exception {
        int repeat = (int) this.args.positive("repeat", 3);
        long timeoutSeconds = this.args.duration("run-timeout", "120s").toSeconds();
        List<ThroughputReference> references = ThroughputReference.from(this.args);
        List<Row> rows = rows();
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("--rows=" + this.args.text("rows", "") + " names no row");
        }
        Path dir = Files.createDirectories(this.options.root()).resolve("throughput");
        Files.createDirectories(dir);
        // ours first, then the references in order; every other run the other way round
        List<ThroughputReference> targets = new ArrayList<>();
        targets.add(new ThroughputReference("ours", dir));
        targets.addAll(references);
        int failures = 0;
        try (FuseMount mount = this.manager.mount(MountSpec.builder("throughput", dir, new ZeroSinkFs())
            .multithreaded(this.options.multithreaded())
            .options(List.of("direct_io", "attr_timeout=0", "entry_timeout=0", "negative_timeout=0"))
            .build())) {
            this.out.printf(Locale.ROOT, "throughput: loop=%s ours=%s reference=%s repeat=%d cores=%d%n",
                    this.options.multithreaded() ? "multi" : "single", dir,
                    references.isEmpty() ? "none (" + ThroughputReference.defaultName(this.args) + ")"
                            : String.join(", ", references.stream().map((r) -> r.dir() + " (" + r.name() + ")")
                                .toList()),
                    repeat, Runtime.getRuntime().availableProcessors());
            String hold = this.args.text("hold", "");
            if (!hold.isEmpty()) {
                return hold(dir, this.args.duration("hold", hold));
            }
            for (Row row : rows) {
                List<List<Double>> figures = new ArrayList<>();
                targets.forEach((t) -> figures.add(new ArrayList<>()));
                for (int r = 0; r < repeat; r++) {
                    for (int turn = 0; turn < targets.size(); turn++) {
                        int t = (r % 2 == 0) ? turn : targets.size() - 1 - turn;
                        ThroughputReference target = targets.get(t);
                        double figure = runOnce(row, target.dir(), timeoutSeconds);
                        if (figure < 0) {
                            failures++;
                            continue;
                        }
                        figures.get(t).add(figure);
                        this.out.printf(Locale.ROOT, "RUN row=%s target=%s run=%d %s=%.0f%n", row.name(), target.name(),
                                r + 1, row.unit(), figure);
                    }
                }
                this.out.println(resultLine(row, targets, figures));
            }
        }
        finally {
            Files.deleteIfExists(dir);
        }
        this.out.println("throughput: " + failures + " failed run(s)");
        return (failures == 0) ? 0 : 1;
    }

    /**
     * {@code --hold=DURATION}: keeps the mount on {@code dir} for that long, or until a file named
     * {@code stop} appears in the directory above it, for clients run by hand (a profiler, strace).
     */
    private int hold(Path dir, java.time.Duration duration) throws InterruptedException {
        Path stop = dir.resolveSibling("stop");
        this.out.println("HOLD " + dir + " for " + duration + " (or until " + stop + " exists)");
        long deadline = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < deadline && !Files.exists(stop)) {
            Thread.sleep(100); // polling a file by hand, not synchronising a test
        }
        return 0;
    }

    /**
     * The row's {@code RESULT} line: ours, then the first reference with {@code ratio} (ours over it;
     * {@code -} for all three without a reference), then {@code NAME}, {@code NAME_range} and
     * {@code ratio_NAME} for every further one, then the client command.
     */
    private String resultLine(Row row, List<ThroughputReference> targets, List<List<Double>> figures) {
        double ours = median(figures.get(0));
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "RESULT scenario=throughput row=%s unit=%s ours=%.0f ours_range=%s", row.name(),
                row.unit(), ours, range(figures.get(0))));
        if (targets.size() == 1) {
            String name = ThroughputReference.defaultName(this.args);
            line.append(' ').append(name).append("=- ").append(name).append("_range=- ratio=-");
        }
        for (int t = 1; t < targets.size(); t++) {
            String name = targets.get(t).name();
            List<Double> theirs = figures.get(t);
            double median = median(theirs);
            line.append(String.format(Locale.ROOT, " %s=%s %s_range=%s %s=%s", name,
                    theirs.isEmpty() ? "-" : String.format(Locale.ROOT, "%.0f", median), name, range(theirs),
                    (t == 1) ? "ratio" : "ratio_" + name,
                    theirs.isEmpty() || median == 0 ? "-" : String.format(Locale.ROOT, "%.2f", ours / median)));
        }
        return line.append(" command=\"").append(row.describe()).append('"').toString();
    }

    /** Runs the row's clients at once against {@code mnt}; returns the figure, or -1 if a client failed. */
    private double runOnce(Row row, Path mnt, long timeoutSeconds) throws IOException, InterruptedException {
        List<Process> clients = new ArrayList<>();
        List<Path> errors = new ArrayList<>();
        long started = System.nanoTime();
        try {
            for (int c = 0; c < row.clients(); c++) {
                Path error = Files.createTempFile("throughput-client", ".err");
                errors.add(error);
                clients.add(new ProcessBuilder(row.command(mnt, c)).directory(mnt.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(error.toFile())
                    .start());
            }
            long deadline = started + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            boolean ok = true;
            for (Process client : clients) {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!client.waitFor(left, TimeUnit.NANOSECONDS)) {
                    this.out.println("FAILURE: row " + row.name() + " on " + mnt + " took more than " + timeoutSeconds + " s");
                    return -1;
                }
                ok &= client.exitValue() == 0;
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            if (!ok) {
                for (Path error : errors) {
                    String text = Files.readString(error).strip();
                    if (!text.isEmpty()) {
                        this.out.println("FAILURE: row " + row.name() + " on " + mnt + ": " + text);
                    }
                }
                return -1;
            }
            return row.figure(seconds);
        }
        finally {
            for (Process client : clients) {
                client.destroyForcibly();
            }
            for (Path error : errors) {
                Files.deleteIfExists(error);
            }
        }
    }

    /** The median of {@code figures} (the mean of the middle two for an even count), 0 for none. */
    static double median(List<Double> figures) {
        if (figures.isEmpty()) {
            return 0;
        }
        List<Double> sorted = figures.stream().sorted().toList();
        int n = sorted.size();
        return (n % 2 == 1) ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String range(List<Double> figures) {
        if (figures.isEmpty()) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.0f-%.0f", Collections.min(figures), Collections.max(figures));
    }

}
