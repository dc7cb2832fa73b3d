// Checks of what any filesystem must do, even a read-only one: lookup, stat, readdir, open and read.
package io.github.fusespringboot.test.conformance;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.github.fusespringboot.test.conformance.natives.DirectoryStream;
import io.github.fusespringboot.test.conformance.natives.FileStatus;
import org.junit.jupiter.api.Assumptions;

import static io.github.fusespringboot.test.conformance.Capability.READ_ONLY;
import static io.github.fusespringboot.test.conformance.Errnos.EISDIR;
import static io.github.fusespringboot.test.conformance.Errnos.ENAMETOOLONG;
import static io.github.fusespringboot.test.conformance.Errnos.ENOENT;
import static io.github.fusespringboot.test.conformance.Errnos.ENOTDIR;
import static io.github.fusespringboot.test.conformance.Flags.O_DIRECTORY;
import static io.github.fusespringboot.test.conformance.Flags.O_RDONLY;
import static io.github.fusespringboot.test.conformance.Flags.O_RDWR;
import static io.github.fusespringboot.test.conformance.Flags.O_WRONLY;

/**
 * {@link Capability#READ_ONLY}. On a filesystem the kit may write ({@code CREATE_WRITE} declared) the
 * checks read a file and a directory they create first; otherwise they read what the mount holds
 * (and skip when it holds no regular file).
 */
final class ReadOnlyChecks {

    private static final String CONTENT = "conformance: a file to read back\n";

    private ReadOnlyChecks() {
    }

    static List<Check> checks() {
        return List.of(Check.of(READ_ONLY, "stat of the mount point is a directory", (s) -> {
            FileStatus root = Posix.stat(s.mountPoint()).ok();
            Expect.mode("stat(\"" + s.mountPoint() + "\").st_mode & S_IFMT", FileStatus.S_IFDIR, root.type());
        }), Check.of(READ_ONLY, "readdir lists each entry once, each lstat-able with the type readdir gave", (s) -> {
            String dir = populated(s);
            List<DirectoryStream.Entry> entries = list(dir);
            Set<String> seen = new HashSet<>();
            for (DirectoryStream.Entry entry : entries) {
                Expect.isTrue("readdir(opendir(\"" + dir + "\")) entry " + Posix.q(entry.name()), seen.add(entry.name()),
                        "each name once", "returned twice");
                if (entry.name().equals(".") || entry.name().equals("..")) {
                    continue;
                }
                FileStatus status = Posix.lstat(dir + "/" + entry.name()).ok();
                int type = fromDirentType(entry.type());
                if (type != 0) {
                    Expect.mode("lstat(\"" + dir + "/" + entry.name() + "\").st_mode & S_IFMT vs readdir d_type", type,
                            status.type());
                }
            }
            if (s.declares(Capability.CREATE_WRITE)) {
                Expect.isTrue("readdir(opendir(\"" + dir + "\"))", seen.contains("file") && seen.contains("dir"),
                        "entries \"file\" and \"dir\"", seen);
            }
        }), Check.of(READ_ONLY, "lookup of a missing name fails with ENOENT", (s) -> {
            Posix.stat(s.path("no-such-entry")).fails(ENOENT);
            Posix.open(s.path("no-such-entry"), O_RDONLY).fails(ENOENT);
        }), Check.of(READ_ONLY, "a path through a regular file fails with ENOTDIR", (s) -> {
            String file = sampleFile(s);
            Posix.stat(file + "/x").fails(ENOTDIR);
            Posix.open(file + "/x", O_RDONLY).fails(ENOTDIR);
        }), Check.of(READ_ONLY, "a path longer than PATH_MAX fails with ENAMETOOLONG", (s) -> {
            Posix.stat(s.dir() + "/" + "a/".repeat(2100)).fails(ENAMETOOLONG);
        }), Check.of(READ_ONLY, "read returns st_size bytes, then 0 at end of file", (s) -> {
            String file = sampleFile(s);
            FileStatus status = Posix.stat(file).ok();
            int fd = Posix.open(file, O_RDONLY).ok();
            try {
                long total = 0;
                while (true) {
                    byte[] chunk = Posix.read(fd, 65536).ok();
                    if (chunk.length == 0) {
                        break;
                    }
                    total += chunk.length;
                }
                Expect.equal("bytes read from \"" + file + "\" until read returned 0 vs stat st_size", status.size(),
                        total);
                Expect.equal("read(" + fd + ", buf, 16) at end of file", 0, Posix.read(fd, 16).ok().length);
            }
            finally {
                Posix.closeQuietly(fd);
            }
        }), Check.of(READ_ONLY, "pread at an offset returns the bytes read gives there", (s) -> {
            String file = sampleFile(s);
            byte[] whole = Scratch.read(file);
            Assumptions.assumeTrue(whole.length >= 2, "the sample file " + file + " has fewer than 2 bytes");
            int offset = whole.length / 2;
            int fd = Posix.open(file, O_RDONLY).ok();
            try {
                Expect.bytes("pread(" + fd + ", buf, " + (whole.length - offset) + ", " + offset + ") of \"" + file + "\"",
                        java.util.Arrays.copyOfRange(whole, offset, whole.length),
                        Posix.pread(fd, whole.length - offset, offset).ok());
                Expect.equal("pread(" + fd + ", buf, 8, " + (whole.length + 100) + ") past the end, bytes", 0,
                        Posix.pread(fd, 8, whole.length + 100).ok().length);
            }
            finally {
                Posix.closeQuietly(fd);
            }
        }), Check.of(READ_ONLY, "open(O_RDONLY|O_DIRECTORY) of a regular file fails with ENOTDIR", (s) -> {
            Posix.open(sampleFile(s), O_RDONLY | O_DIRECTORY).fails(ENOTDIR);
        }), Check.of(READ_ONLY, "open(O_RDONLY|O_DIRECTORY) of a directory succeeds", (s) -> {
            Posix.close(Posix.open(populated(s), O_RDONLY | O_DIRECTORY).ok()).ok();
        }), Check.of(READ_ONLY, "open of a directory for writing fails with EISDIR", (s) -> {
            Posix.open(populated(s), O_WRONLY).fails(EISDIR);
            Posix.open(populated(s), O_RDWR).fails(EISDIR);
        }), Check.of(READ_ONLY, "opendir of a regular file fails with ENOTDIR", (s) -> {
            Posix.opendir(sampleFile(s)).fails(ENOTDIR);
        }));
    }

    /** A directory with a few entries: made by the kit when it may write, else the mount point. */
    private static String populated(Scratch s) {
        if (s.declares(Capability.CREATE_WRITE)) {
            if (Posix.lstat(s.path("file")).succeeded()) {
                return s.dir();
            }
            s.file("file", CONTENT);
            s.dir("dir");
            return s.dir();
        }
        return s.mountPoint();
    }

    /** A regular file to read: made by the kit when it may write, else the first found near the mount point. */
    private static String sampleFile(Scratch s) {
        String dir = populated(s);
        if (s.declares(Capability.CREATE_WRITE)) {
            return dir + "/file";
        }
        List<String> dirs = new ArrayList<>(List.of(dir));
        for (int depth = 0; depth < 2 && !dirs.isEmpty(); depth++) {
            List<String> next = new ArrayList<>();
            for (String each : dirs) {
                for (DirectoryStream.Entry entry : list(each)) {
                    if (entry.name().equals(".") || entry.name().equals("..")) {
                        continue;
                    }
                    String path = each + "/" + entry.name();
                    FileStatus status = Posix.lstat(path).ok();
                    if (status.type() == FileStatus.S_IFREG) {
                        return path;
                    }
                    if (status.type() == FileStatus.S_IFDIR) {
                        next.add(path);
                    }
                }
            }
            dirs = next;
        }
        Assumptions.abort("no regular file within two levels of " + s.mountPoint() + " to read");
        return null;
    }

    static List<DirectoryStream.Entry> list(String dir) {
        DirectoryStream stream = Posix.opendir(dir).ok();
        try {
            List<DirectoryStream.Entry> entries = new ArrayList<>();
            for (DirectoryStream.Entry entry = stream.next(); entry != null; entry = stream.next()) {
                entries.add(entry);
            }
            return entries;
        }
        finally {
            stream.close();
        }
    }

    /** The names readdir gives, "." and ".." left out. */
    static List<String> names(String dir) {
        return list(dir).stream().map(DirectoryStream.Entry::name).filter((n) -> !n.equals(".") && !n.equals("..")).toList();
    }

    // dirent.h DT_* to sys/stat.h S_IF*; 0 for DT_UNKNOWN
    private static int fromDirentType(int type) {
        return switch (type) {
            case 1 -> FileStatus.S_IFIFO;
            case 2 -> FileStatus.S_IFCHR;
            case 4 -> FileStatus.S_IFDIR;
            case 6 -> 0060000;
            case 8 -> FileStatus.S_IFREG;
            case 10 -> FileStatus.S_IFLNK;
            case 12 -> FileStatus.S_IFSOCK;
            default -> 0;
        };
    }

}
