// Checks of chmod(2), chown(2) as root, and utimensat(2) with nanoseconds, UTIME_NOW and UTIME_OMIT.
package io.github.fusespringboot.test.conformance;

import java.util.ArrayList;
import java.util.List;

import io.github.fusespringboot.test.conformance.natives.FileStatus;

import static io.github.fusespringboot.test.conformance.Capability.DIRECTORIES;
import static io.github.fusespringboot.test.conformance.Capability.OWNERSHIP;
import static io.github.fusespringboot.test.conformance.Capability.PERMISSIONS;
import static io.github.fusespringboot.test.conformance.Capability.SYMLINKS;
import static io.github.fusespringboot.test.conformance.Capability.TIMES;
import static io.github.fusespringboot.test.conformance.Errnos.ENOENT;
import static io.github.fusespringboot.test.conformance.Flags.O_RDWR;
import static io.github.fusespringboot.test.conformance.Flags.UTIME_NOW;
import static io.github.fusespringboot.test.conformance.Flags.UTIME_OMIT;

/** {@link Capability#PERMISSIONS}, {@link Capability#OWNERSHIP} and {@link Capability#TIMES}. */
final class AttributeChecks {

    static final int NOBODY = 65534;

    // 2001-09-09T01:46:40.123456789Z and 2004-11-09T11:33:20.987654321Z
    private static final long[] EXACT = { 1_000_000_000L, 123_456_789L, 1_100_000_000L, 987_654_321L };

    private AttributeChecks() {
    }

    static List<Check> checks() {
        List<Check> checks = new ArrayList<>();
        for (int mode : new int[] { 0, 0400, 0644, 0755, 0777, 04755, 02755, 01777 }) {
            checks.add(Check.of(PERMISSIONS, "chmod(" + Flags.mode(mode) + ") of a file reads back, type kept", (s) -> {
                String file = s.file("f", "");
                Posix.chmod(file, mode).ok();
                FileStatus status = Scratch.stat(file);
                Expect.mode("stat(\"" + file + "\").st_mode & 07777 after chmod", mode, status.permissions());
                Expect.mode("stat(\"" + file + "\").st_mode & S_IFMT after chmod", FileStatus.S_IFREG, status.type());
            }));
        }
        checks.add(Check.of(PERMISSIONS, "fchmod of an open file reads back", (s) -> {
            String file = s.file("f", "");
            int fd = Posix.open(file, O_RDWR).ok();
            try {
                Posix.fchmod(fd, 0600).ok();
            }
            finally {
                Posix.close(fd).ok();
            }
            Expect.mode("stat(\"" + file + "\").st_mode & 07777 after fchmod", 0600, Scratch.stat(file).permissions());
        }));
        checks.add(Check.of(PERMISSIONS, "chmod of a directory reads back, type kept", (s) -> {
            String dir = s.dir("d");
            Posix.chmod(dir, 0711).ok();
            FileStatus status = Scratch.stat(dir);
            Expect.mode("stat(\"" + dir + "\").st_mode & 07777 after chmod", 0711, status.permissions());
            Expect.mode("stat(\"" + dir + "\").st_mode & S_IFMT after chmod", FileStatus.S_IFDIR, status.type());
        }).needs(DIRECTORIES));
        checks.add(Check.of(PERMISSIONS, "chmod through a symlink changes the target", (s) -> {
            String file = s.file("f", "");
            Posix.symlink("f", s.path("link")).ok();
            Posix.chmod(s.path("link"), 0604).ok();
            Expect.mode("stat(\"" + file + "\").st_mode & 07777", 0604, Scratch.stat(file).permissions());
        }).needs(SYMLINKS));
        checks.add(Check.of(PERMISSIONS, "chmod of a missing name fails with ENOENT",
                (s) -> Posix.chmod(s.path("missing"), 0644).fails(ENOENT)));

        checks.add(owner("chown(uid, gid) of a file reads back", NOBODY, NOBODY, NOBODY, NOBODY));
        checks.add(owner("chown(uid, -1) changes the owner only", NOBODY, -1, NOBODY, -2));
        checks.add(owner("chown(-1, gid) changes the group only", -1, NOBODY, -2, NOBODY));
        checks.add(owner("chown(-1, -1) changes nothing", -1, -1, -2, -2));
        checks.add(Check.of(OWNERSHIP, "fchown of an open file reads back", (s) -> {
            String file = s.file("f", "");
            int fd = Posix.open(file, O_RDWR).ok();
            try {
                Posix.fchown(fd, NOBODY, NOBODY).ok();
            }
            finally {
                Posix.close(fd).ok();
            }
            FileStatus status = Scratch.stat(file);
            Expect.equal("stat(\"" + file + "\").st_uid:st_gid after fchown", NOBODY + ":" + NOBODY,
                    status.uid() + ":" + status.gid());
        }).asRoot());
        checks.add(Check.of(OWNERSHIP, "chown of a directory reads back", (s) -> {
            String dir = s.dir("d");
            Posix.chown(dir, NOBODY, NOBODY).ok();
            FileStatus status = Scratch.stat(dir);
            Expect.equal("stat(\"" + dir + "\").st_uid:st_gid after chown", NOBODY + ":" + NOBODY,
                    status.uid() + ":" + status.gid());
        }).needs(DIRECTORIES).asRoot());
        checks.add(Check.of(OWNERSHIP, "lchown changes the symlink, chown its target", (s) -> {
            String file = s.file("f", "");
            String link = s.path("link");
            Posix.symlink("f", link).ok();
            FileStatus before = Scratch.stat(file);
            Posix.lchown(link, NOBODY, NOBODY).ok();
            Expect.equal("lstat(\"" + link + "\").st_uid after lchown", NOBODY, Scratch.lstat(link).uid());
            Expect.equal("stat(\"" + file + "\").st_uid after lchown of its link", before.uid(), Scratch.stat(file).uid());
            Posix.chown(link, NOBODY, NOBODY).ok();
            Expect.equal("stat(\"" + file + "\").st_uid after chown through the link", NOBODY, Scratch.stat(file).uid());
        }).needs(SYMLINKS).asRoot());
        checks.add(Check.of(OWNERSHIP, "chown of a missing name fails with ENOENT",
                (s) -> Posix.chown(s.path("missing"), NOBODY, NOBODY).fails(ENOENT)).asRoot());

        checks.add(Check.of(TIMES, "utimensat with seconds and nanoseconds reads back exactly", (s) -> {
            String file = s.file("f", "");
            Posix.utimensat(file, EXACT.clone(), 0).ok();
            FileStatus status = Scratch.stat(file);
            Expect.equal("stat(\"" + file + "\") atime", "1000000000.123456789", time(status.atimeSeconds(), status.atimeNanos()));
            Expect.equal("stat(\"" + file + "\") mtime", "1100000000.987654321", time(status.mtimeSeconds(), status.mtimeNanos()));
        }));
        checks.add(Check.of(TIMES, "utimensat with UTIME_OMIT for atime sets mtime only", (s) -> {
            String file = s.file("f", "");
            Posix.utimensat(file, EXACT.clone(), 0).ok();
            Posix.utimensat(file, new long[] { 0, UTIME_OMIT, 1_200_000_000L, 5 }, 0).ok();
            FileStatus status = Scratch.stat(file);
            Expect.equal("stat(\"" + file + "\") atime (omitted)", "1000000000.123456789", time(status.atimeSeconds(), status.atimeNanos()));
            Expect.equal("stat(\"" + file + "\") mtime", "1200000000.000000005", time(status.mtimeSeconds(), status.mtimeNanos()));
        }));
        checks.add(Check.of(TIMES, "utimensat with UTIME_OMIT for mtime sets atime only", (s) -> {
            String file = s.file("f", "");
            Posix.utimensat(file, EXACT.clone(), 0).ok();
            Posix.utimensat(file, new long[] { 1_200_000_000L, 0, 0, UTIME_OMIT }, 0).ok();
            FileStatus status = Scratch.stat(file);
            Expect.equal("stat(\"" + file + "\") atime", "1200000000.000000000", time(status.atimeSeconds(), status.atimeNanos()));
            Expect.equal("stat(\"" + file + "\") mtime (omitted)", "1100000000.987654321", time(status.mtimeSeconds(), status.mtimeNanos()));
        }));
        checks.add(Check.of(TIMES, "utimensat with UTIME_NOW for both sets the current time", (s) -> {
            String file = s.file("f", "");
            Posix.utimensat(file, EXACT.clone(), 0).ok();
            long before = System.currentTimeMillis() / 1000;
            Posix.utimensat(file, new long[] { 0, UTIME_NOW, 0, UTIME_NOW }, 0).ok();
            long after = System.currentTimeMillis() / 1000;
            FileStatus status = Scratch.stat(file);
            near("stat(\"" + file + "\").st_atime", before, after, status.atimeSeconds());
            near("stat(\"" + file + "\").st_mtime", before, after, status.mtimeSeconds());
        }));
        checks.add(Check.of(TIMES, "utimensat with UTIME_NOW for mtime and an exact atime sets each", (s) -> {
            String file = s.file("f", "");
            long before = System.currentTimeMillis() / 1000;
            Posix.utimensat(file, new long[] { 1_000_000_000L, 42, 0, UTIME_NOW }, 0).ok();
            long after = System.currentTimeMillis() / 1000;
            FileStatus status = Scratch.stat(file);
            Expect.equal("stat(\"" + file + "\") atime", "1000000000.000000042", time(status.atimeSeconds(), status.atimeNanos()));
            near("stat(\"" + file + "\").st_mtime", before, after, status.mtimeSeconds());
        }));
        checks.add(Check.of(TIMES, "utimensat with NULL times sets both to now", (s) -> {
            String file = s.file("f", "");
            Posix.utimensat(file, EXACT.clone(), 0).ok();
            long before = System.currentTimeMillis() / 1000;
            Posix.utimensat(file, null, 0).ok();
            long after = System.currentTimeMillis() / 1000;
            FileStatus status = Scratch.stat(file);
            near("stat(\"" + file + "\").st_atime", before, after, status.atimeSeconds());
            near("stat(\"" + file + "\").st_mtime", before, after, status.mtimeSeconds());
        }));
        checks.add(Check.of(TIMES, "futimens of an open file reads back exactly", (s) -> {
            String file = s.file("f", "");
            int fd = Posix.open(file, O_RDWR).ok();
            try {
                Posix.futimens(fd, EXACT.clone()).ok();
            }
            finally {
                Posix.close(fd).ok();
            }
            FileStatus status = Scratch.stat(file);
            Expect.equal("stat(\"" + file + "\") mtime", "1100000000.987654321", time(status.mtimeSeconds(), status.mtimeNanos()));
        }));
        checks.add(Check.of(TIMES, "utimensat of a directory reads back exactly", (s) -> {
            String dir = s.dir("d");
            Posix.utimensat(dir, EXACT.clone(), 0).ok();
            FileStatus status = Scratch.stat(dir);
            Expect.equal("stat(\"" + dir + "\") mtime", "1100000000.987654321", time(status.mtimeSeconds(), status.mtimeNanos()));
        }).needs(DIRECTORIES));
        checks.add(Check.of(TIMES, "a write moves mtime to now", (s) -> {
            String file = s.file("f", "");
            Posix.utimensat(file, EXACT.clone(), 0).ok();
            long before = System.currentTimeMillis() / 1000;
            int fd = Posix.open(file, Flags.O_WRONLY).ok();
            try {
                Posix.write(fd, Scratch.bytes("touch")).returns(5);
            }
            finally {
                Posix.close(fd).ok();
            }
            long after = System.currentTimeMillis() / 1000;
            near("stat(\"" + file + "\").st_mtime after write", before, after, Scratch.stat(file).mtimeSeconds());
        }));
        checks.add(Check.of(TIMES, "utimensat of a missing name fails with ENOENT",
                (s) -> Posix.utimensat(s.path("missing"), EXACT.clone(), 0).fails(ENOENT)));
        return checks;
    }

    /** A chown as root: {@code expected} -2 means "as before". */
    private static Check owner(String name, int uid, int gid, int expectedUid, int expectedGid) {
        return Check.of(OWNERSHIP, name, (s) -> {
            String file = s.file("f", "");
            FileStatus before = Scratch.stat(file);
            Posix.chown(file, uid, gid).ok();
            FileStatus after = Scratch.stat(file);
            int wantUid = (expectedUid == -2) ? before.uid() : expectedUid;
            int wantGid = (expectedGid == -2) ? before.gid() : expectedGid;
            Expect.equal("stat(\"" + file + "\").st_uid:st_gid after chown(" + uid + ", " + gid + ")",
                    wantUid + ":" + wantGid, after.uid() + ":" + after.gid());
        }).asRoot();
    }

    static String time(long seconds, int nanos) {
        return String.format("%d.%09d", seconds, nanos);
    }

    /** A time the kernel took from its clock is within a second of the interval that bracketed the call. */
    static void near(String what, long before, long after, long actual) {
        Expect.isTrue(what, actual >= before - 1 && actual <= after + 1,
                "between " + (before - 1) + " and " + (after + 1) + " (now)", actual);
    }

}
