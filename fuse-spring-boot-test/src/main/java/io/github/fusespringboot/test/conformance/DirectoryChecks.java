// Checks of mkdir(2), rmdir(2) and readdir of what was made.
package io.github.fusespringboot.test.conformance;

import java.util.List;

import io.github.fusespringboot.test.conformance.natives.FileStatus;

import static io.github.fusespringboot.test.conformance.Capability.DIRECTORIES;
import static io.github.fusespringboot.test.conformance.Errnos.EEXIST;
import static io.github.fusespringboot.test.conformance.Errnos.EINVAL;
import static io.github.fusespringboot.test.conformance.Errnos.EISDIR;
import static io.github.fusespringboot.test.conformance.Errnos.ENOENT;
import static io.github.fusespringboot.test.conformance.Errnos.ENOTDIR;
import static io.github.fusespringboot.test.conformance.Errnos.ENOTEMPTY;
import static io.github.fusespringboot.test.conformance.Errnos.EPERM;

/** {@link Capability#DIRECTORIES}. */
final class DirectoryChecks {

    private DirectoryChecks() {
    }

    static List<Check> checks() {
        return List.of(mkdirMode(022, 0777, 0755), mkdirMode(077, 0777, 0700), mkdirMode(0, 0750, 0750),
                Check.of(DIRECTORIES, "mkdir of an existing directory or file fails with EEXIST", (s) -> {
                    Posix.mkdir(s.dir("d"), 0755).fails(EEXIST);
                    Posix.mkdir(s.file("f", ""), 0755).fails(EEXIST);
                }), Check.of(DIRECTORIES, "mkdir in a missing directory fails with ENOENT",
                        (s) -> Posix.mkdir(s.path("missing/d"), 0755).fails(ENOENT)),
                Check.of(DIRECTORIES, "mkdir below a regular file fails with ENOTDIR",
                        (s) -> Posix.mkdir(s.file("f", "") + "/d", 0755).fails(ENOTDIR)),
                Check.of(DIRECTORIES, "rmdir of an empty directory removes it", (s) -> {
                    String dir = s.dir("d");
                    Posix.rmdir(dir).ok();
                    Posix.stat(dir).fails(ENOENT);
                }), Check.of(DIRECTORIES, "rmdir of a non-empty directory fails with ENOTEMPTY and keeps it", (s) -> {
                    String dir = s.dir("d");
                    Posix.mkdir(dir + "/sub", 0755).ok();
                    Posix.rmdir(dir).fails(ENOTEMPTY, EEXIST);
                    Posix.stat(dir + "/sub").ok();
                }), Check.of(DIRECTORIES, "rmdir of a directory holding a file fails with ENOTEMPTY", (s) -> {
                    String dir = s.dir("d");
                    s.file("d/f", "x");
                    Posix.rmdir(dir).fails(ENOTEMPTY, EEXIST);
                    Expect.equal("content of \"" + dir + "/f\" after the failed rmdir", "x", Scratch.readString(dir + "/f"));
                }), Check.of(DIRECTORIES, "rmdir of a regular file fails with ENOTDIR",
                        (s) -> Posix.rmdir(s.file("f", "")).fails(ENOTDIR)),
                Check.of(DIRECTORIES, "rmdir of a missing name fails with ENOENT",
                        (s) -> Posix.rmdir(s.path("missing")).fails(ENOENT)),
                Check.of(DIRECTORIES, "rmdir of \"dir/.\" fails with EINVAL", (s) -> {
                    String dir = s.dir("d");
                    Posix.rmdir(dir + "/.").fails(EINVAL);
                }), Check.of(DIRECTORIES, "unlink of a directory fails with EISDIR", (s) -> {
                    String dir = s.dir("d");
                    Posix.unlink(dir).fails(EISDIR, EPERM);
                    Posix.stat(dir).ok();
                }), Check.of(DIRECTORIES, "readdir of a new directory lists what was made in it, each once", (s) -> {
                    String dir = s.dir("d");
                    s.file("d/a", "");
                    s.file("d/b", "");
                    Posix.mkdir(dir + "/c", 0755).ok();
                    Expect.equal("sorted names readdir(\"" + dir + "\") gives", List.of("a", "b", "c"),
                            ReadOnlyChecks.names(dir).stream().sorted().toList());
                }), Check.of(DIRECTORIES, "readdir of an empty directory lists nothing but . and ..", (s) -> {
                    String dir = s.dir("d");
                    Expect.equal("names readdir(\"" + dir + "\") gives", List.of(), ReadOnlyChecks.names(dir));
                }), Check.of(DIRECTORIES, "a file in a subdirectory is reached by its path", (s) -> {
                    s.dir("d");
                    s.dir("d/e");
                    String file = s.file("d/e/f", "deep");
                    Expect.equal("content of \"" + file + "\"", "deep", Scratch.readString(file));
                    Expect.mode("stat(\"" + s.path("d/e") + "\").st_mode & S_IFMT", FileStatus.S_IFDIR,
                            Scratch.stat(s.path("d/e")).type());
                }));
    }

    private static Check mkdirMode(int mask, int requested, int expected) {
        return Check.of(DIRECTORIES, "mkdir(" + Flags.mode(requested) + ") under umask " + Flags.mode(mask)
                + " makes a directory of mode " + Flags.mode(expected), (s) -> {
                    String dir = s.path("d");
                    Caller.withUmask(mask, () -> Posix.mkdir(dir, requested).ok());
                    FileStatus status = Scratch.stat(dir);
                    Expect.mode("stat(\"" + dir + "\").st_mode & S_IFMT", FileStatus.S_IFDIR, status.type());
                    Expect.mode("stat(\"" + dir + "\").st_mode & 07777", expected, status.permissions());
                });
    }

}
