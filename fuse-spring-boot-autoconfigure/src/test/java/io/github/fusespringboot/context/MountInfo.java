// Reads this process's mount table, for tests that check what the kernel sees.
package io.github.fusespringboot.context;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One line of {@code /proc/self/mountinfo}: mount point, per-mount options, type and super options. */
record MountInfo(String mountPoint, String options, String type, String superOptions) {

    static List<MountInfo> read() {
        try {
            List<MountInfo> entries = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] fields = line.split(" ");
                int separator = List.of(fields).indexOf("-");
                entries.add(new MountInfo(unescape(fields[4]), fields[5], fields[separator + 1],
                        fields[separator + 3]));
            }
            return entries;
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    static Optional<MountInfo> find(Path mountPoint) {
        String path = mountPoint.toString();
        return read().stream().filter((entry) -> entry.mountPoint().equals(path)).reduce((first, last) -> last);
    }

    static boolean isMounted(Path mountPoint) {
        return find(mountPoint).isPresent();
    }

    /** FUSE mounts at or below {@code root}. */
    static List<MountInfo> fuseMountsUnder(Path root) {
        String prefix = root.toString();
        return read().stream()
            .filter((entry) -> entry.type().startsWith("fuse"))
            .filter((entry) -> entry.mountPoint().equals(prefix) || entry.mountPoint().startsWith(prefix + "/"))
            .toList();
    }

    boolean readOnly() {
        return List.of(this.options.split(",")).contains("ro");
    }

    private static String unescape(String field) {
        StringBuilder result = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                result.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            }
            else {
                result.append(c);
            }
        }
        return result.toString();
    }

}
