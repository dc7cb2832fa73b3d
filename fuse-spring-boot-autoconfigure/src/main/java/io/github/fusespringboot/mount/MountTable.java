// Reads /proc/self/mountinfo: which directories are mount points, of what, on which FUSE connection.
package io.github.fusespringboot.mount;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A snapshot of this process's mount table. Reading it never touches a mounted filesystem, so it is
 * safe even when a FUSE server is wedged (a {@code stat} of its mount point would block).
 */
public final class MountTable {

    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private final List<Entry> entries;

    private MountTable(List<Entry> entries) {
        this.entries = entries;
    }

    /** Reads the current table. */
    public static MountTable read() {
        try {
            return parse(new String(Files.readAllBytes(MOUNTINFO), StandardCharsets.UTF_8));
        }
        catch (IOException ex) {
            throw new UncheckedIOException("cannot read " + MOUNTINFO, ex);
        }
    }

    static MountTable parse(String text) {
        List<Entry> entries = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split(" ");
            int separator = -1;
            for (int i = 6; i < fields.length; i++) {
                if (fields[i].equals("-")) {
                    separator = i;
                    break;
                }
            }
            if (fields.length < 7 || separator < 0 || separator + 2 >= fields.length) {
                continue;
            }
            String[] device = fields[2].split(":");
            entries.add(new Entry(Integer.parseInt(fields[0]), Integer.parseInt(device[0]),
                    Integer.parseInt(device[1]), unescape(fields[4]), fields[separator + 1],
                    unescape(fields[separator + 2])));
        }
        return new MountTable(List.copyOf(entries));
    }

    /** The kernel escapes space, tab, newline and backslash as {@code \ooo} (fs/proc_namespace.c). */
    static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            }
            else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }

    public List<Entry> entries() {
        return this.entries;
    }

    /** The topmost mount on exactly this directory, if it is a mount point. */
    public Optional<Entry> find(Path mountPoint) {
        String target = mountPoint.toString();
        Entry found = null;
        for (Entry entry : this.entries) {
            if (entry.mountPoint().equals(target)) {
                found = entry; // later lines are mounted on top of earlier ones
            }
        }
        return Optional.ofNullable(found);
    }

    /** Every FUSE mount at or below a directory. */
    public List<Entry> fuseMountsUnder(Path root) {
        String prefix = root.toString().endsWith("/") ? root.toString() : root + "/";
        return this.entries.stream()
            .filter(Entry::isFuse)
            .filter((e) -> e.mountPoint().equals(root.toString()) || e.mountPoint().startsWith(prefix))
            .toList();
    }

    /** One line of mountinfo. */
    public record Entry(int mountId, int major, int minor, String mountPoint, String type, String source) {

        /** Whether this is a FUSE mount ({@code fuse}, {@code fuse.*}, {@code fuseblk}). */
        public boolean isFuse() {
            return this.type.equals("fuse") || this.type.startsWith("fuse.") || this.type.equals("fuseblk");
        }

        /**
         * The FUSE connection id: for {@code fuse} mounts the device minor, as named under
         * {@code /sys/fs/fuse/connections/}.
         */
        public int connectionId() {
            return this.minor;
        }

    }

}
