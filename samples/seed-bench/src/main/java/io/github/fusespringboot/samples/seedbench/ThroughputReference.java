// The throughput scenario's --reference switches: the other filesystems every row also runs against.
package io.github.fusespringboot.samples.seedbench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One filesystem with the zero/sink files mounted beside ours (the C reference {@code src/c/zerofs3.c},
 * the go-fuse peer {@code src/go/zerofs}, ...), with the name the output gives it.
 *
 * @param name the name of its columns in the {@code RUN} and {@code RESULT} lines
 * @param dir where it is mounted
 */
record ThroughputReference(String name, Path dir) {

    private static final Pattern NAMED = Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]*)=(.+)");

    /**
     * Reads every {@code --reference}, in order: {@code --reference=NAME=DIR} (repeatable), or
     * {@code --reference=DIR} named by {@code --reference-name} (default {@code reference}). The first
     * is the one the {@code ratio} column compares with.
     */
    static List<ThroughputReference> from(ScenarioArguments args) {
        List<ThroughputReference> references = new ArrayList<>();
        List<String> given = new ArrayList<>();
        Set<String> names = new HashSet<>(Set.of("ours"));
        int unnamed = 0;
        for (String value : args.texts("reference")) {
            if (value.isEmpty()) {
                continue;
            }
            Matcher named = NAMED.matcher(value);
            String name;
            String dir;
            if (named.matches()) {
                name = named.group(1);
                dir = named.group(2);
            }
            else {
                name = defaultName(args);
                dir = value;
                if (++unnamed > 1) {
                    throw new IllegalArgumentException("--reference=" + value
                            + ": more than one reference without a name; give each one as --reference=NAME=DIR");
                }
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("--reference=" + value + ": the name " + name
                        + " is taken (by ours or by another reference)");
            }
            references.add(new ThroughputReference(name, Path.of(dir).toAbsolutePath().normalize()));
            given.add(value);
        }
        // the names first, so that a wrong one is reported before any directory is looked at
        for (int i = 0; i < references.size(); i++) {
            Path path = references.get(i).dir();
            if (!(Files.isRegularFile(path.resolve("zero")) && Files.isRegularFile(path.resolve("sink")))) {
                throw new IllegalArgumentException("--reference=" + given.get(i) + ": " + path
                        + " has no zero and sink files: mount the C reference (src/c/zerofs3.c) or the go-fuse peer"
                        + " (src/go/zerofs) there first");
            }
        }
        return references;
    }

    /** The name of the first reference's columns when there is none (they print {@code -}). */
    static String defaultName(ScenarioArguments args) {
        return args.text("reference-name", "reference");
    }

}
