// What /proc/self/mountinfo says about the mount a path is on: its type and its filesystem options.
package io.github.fusespringboot.test.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The mount holding a path, from {@code /proc/self/mountinfo}: the kit reads it to tell a user that
 * declared {@link Capability#MULTI_USER} on a FUSE mount lacking {@code allow_other} or
 * {@code default_permissions} why every multi-user check would be meaningless there.
 */
record MountedOptions(String mountPoint, String type, Set<String> options) {

    /** The innermost mount containing {@code path}, or {@code null} when mountinfo cannot be read. */
    static MountedOptions of(String path) {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/self/mountinfo"));
        }
        catch (IOException ex) {
            return null;
        }
        MountedOptions best = null;
        for (String line : lines) {
            // id parent major:minor root mount-point options [optional...] - type source super-options
            String[] fields = line.split(" ");
            int dash = List.of(fields).indexOf("-");
            if (fields.length < 5 || dash < 0 || dash + 3 >= fields.length) {
                continue;
            }
            String mountPoint = unescape(fields[4]);
            boolean contains = path.equals(mountPoint) || path.startsWith(mountPoint.endsWith("/") ? mountPoint : mountPoint + "/");
            if (contains && (best == null || mountPoint.length() >= best.mountPoint().length())) {
                best = new MountedOptions(mountPoint, fields[dash + 1], Set.of(fields[dash + 3].split(",")));
            }
        }
        return best;
    }

    boolean isFuse() {
        return this.type.equals("fuse") || this.type.startsWith("fuse.");
    }

    // mountinfo writes space, tab, newline and backslash as octal escapes
    private static String unescape(String field) {
        return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

}
