// Command line: the catalogue against several directories, one per-capability table with a column per target.
package io.github.fusespringboot.test.conformance;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.opentest4j.TestAbortedException;

/**
 * Runs the catalogue, outside JUnit, against one or more mounted (or local) directories and prints a
 * per-capability summary, passed/failed/skipped for each target side by side, then every failure:
 * <pre>
 * java -cp  * java -cp &lt;kit and its dependencies&gt; iolt;the kit and its dependencies * java -cp &lt;kit and its dependencies&gt; iogt; io.github.fusespringboot.test.conformance.SideBySide \
 *     [--without=MULTI_USER,RENAME_FLAGS] [--timeout=60] libfuse=/mnt/a sample=/mnt/b
 * </pre>
 * Every target declares every capability but those given with {@code --without} (names of
 * {@link Capability}). The exit status is 0 when nothing failed, 1 when a check failed, 2 on bad arguments.
 */
public final class SideBySide {

    private SideBySide() {
    }

    /** The verdict counts of one target, per capability, and its failures as "capability > check: message". */
    private record Result(Map<Capability, int[]> counts, List<String> failures, Duration took) {

        int total(int status) {
            return this.counts.values().stream().mapToInt((c) -> c[status]).sum();
        }

    }

    private static final int PASSED = 0;

    private static final int FAILED = 1;

    private static final int SKIPPED = 2;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** What {@link #main} does, answering the exit status instead of exiting. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Set<Capability> without = EnumSet.noneOf(Capability.class);
        Duration timeout = Duration.ofSeconds(60);
        Map<String, Path> targets = new LinkedHashMap<>();
        Map<String, FuseConformance> kits = new LinkedHashMap<>();
        try {
            for (String arg : args) {
                if (arg.startsWith("--without=")) {
                    Arrays.stream(arg.substring("--without=".length()).split(","))
                        .filter((name) -> !name.isBlank())
                        .forEach((name) -> without.add(Capability.valueOf(name.trim().toUpperCase(Locale.ROOT))));
                }
                else if (arg.startsWith("--timeout=")) {
                    timeout = Duration.ofSeconds(Long.parseLong(arg.substring("--timeout=".length())));
                }
                else if (arg.indexOf('=') > 0 && !arg.startsWith("-")) {
                    targets.put(arg.substring(0, arg.indexOf('=')), Path.of(arg.substring(arg.indexOf('=') + 1)));
                }
                else {
                    throw new IllegalArgumentException("unknown argument " + arg);
                }
            }
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("no target: give one or more name=directory");
            }
            for (Map.Entry<String, Path> target : targets.entrySet()) {
                kits.put(target.getKey(), FuseConformance.at(target.getValue())
                    .supportingAll()
                    .without(without.toArray(new Capability[0]))
                    .withTimeout(timeout));
            }
        }
        catch (IllegalArgumentException ex) {
            err.println("SideBySide: " + ex.getMessage() + "\nusage: SideBySide [--without=CAP,...] "
                    + "[--timeout=seconds] name=directory ...\ncapabilities: " + Arrays.toString(Capability.values()));
            return 2;
        }
        Map<String, Result> results = new LinkedHashMap<>();
        for (Map.Entry<String, FuseConformance> kit : kits.entrySet()) {
            err.println("running the catalogue against " + kit.getKey() + " (" + targets.get(kit.getKey()) + ")");
            results.put(kit.getKey(), run(kit.getValue()));
        }
        print(out, targets, without, results);
        return results.values().stream().anyMatch((r) -> r.total(FAILED) > 0) ? 1 : 0;
    }

    /** Runs every check in order; the groups come in {@link Capability#values()} order. */
    private static Result run(FuseConformance kit) {
        Map<Capability, int[]> counts = new EnumMap<>(Capability.class);
        List<String> failures = new ArrayList<>();
        long started = System.nanoTime();
        List<DynamicNode> groups = kit.tests().toList();
        for (int i = 0; i < groups.size(); i++) {
            Capability capability = Capability.values()[i];
            int[] count = counts.computeIfAbsent(capability, (c) -> new int[3]);
            ((DynamicContainer) groups.get(i)).getChildren().forEach((node) -> {
                DynamicTest check = (DynamicTest) node;
                try {
                    check.getExecutable().execute();
                    count[PASSED]++;
                }
                catch (TestAbortedException ex) {
                    count[SKIPPED]++;
                }
                catch (Throwable ex) {
                    count[FAILED]++;
                    failures.add(capability + " > " + check.getDisplayName() + ": "
                            + String.valueOf(ex.getMessage()).lines().findFirst().orElse(""));
                }
            });
        }
        return new Result(counts, failures, Duration.ofNanos(System.nanoTime() - started));
    }

    private static void print(PrintStream out, Map<String, Path> targets, Set<Capability> without,
            Map<String, Result> results) {
        out.println("declared: every capability" + (without.isEmpty() ? "" : " but " + without));
        targets.forEach((name, dir) -> out.println("  " + name + " = " + dir));
        StringBuilder header = new StringBuilder("| capability |");
        StringBuilder rule = new StringBuilder("| --- |");
        results.keySet().forEach((name) -> {
            header.append(' ').append(name).append(" (passed / failed / skipped) |");
            rule.append(" --- |");
        });
        out.println();
        out.println(header);
        out.println(rule);
        for (Capability capability : Capability.values()) {
            StringBuilder row = new StringBuilder("| `" + capability + "` |");
            results.values().forEach((r) -> row.append(' ').append(cell(r.counts().get(capability))).append(" |"));
            out.println(row);
        }
        StringBuilder total = new StringBuilder("| **all** |");
        results.values().forEach((r) -> total.append(" **")
            .append(cell(new int[] { r.total(PASSED), r.total(FAILED), r.total(SKIPPED) }))
            .append("** |"));
        out.println(total);
        StringBuilder took = new StringBuilder("| time |");
        results.values().forEach((r) -> took.append(' ').append(r.took().toMillis() / 100 / 10.0).append(" s |"));
        out.println(took);
        results.forEach((name, r) -> {
            out.println();
            out.println(name + ": " + r.failures().size() + " failed");
            r.failures().forEach((failure) -> out.println("  " + failure));
        });
    }

    private static String cell(int[] count) {
        return count[PASSED] + " / " + count[FAILED] + " / " + count[SKIPPED];
    }

}
