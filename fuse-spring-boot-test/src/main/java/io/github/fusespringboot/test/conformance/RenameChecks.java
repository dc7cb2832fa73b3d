// Checks of rename(2) and of renameat2(2) with RENAME_NOREPLACE and RENAME_EXCHANGE.
package io.github.fusespringboot.test.conformance;

import java.util.List;

import io.github.fusespringboot.test.conformance.natives.FileStatus;

import static io.github.fusespringboot.test.conformance.Capability.HARD_LINKS;
import static io.github.fusespringboot.test.conformance.Capability.RENAME;
import static io.github.fusespringboot.test.conformance.Capability.RENAME_FLAGS;
import static io.github.fusespringboot.test.conformance.Errnos.EEXIST;
import static io.github.fusespringboot.test.conformance.Errnos.EINVAL;
import static io.github.fusespringboot.test.conformance.Errnos.EISDIR;
import static io.github.fusespringboot.test.conformance.Errnos.ENOENT;
import static io.github.fusespringboot.test.conformance.Errnos.ENOTDIR;
import static io.github.fusespringboot.test.conformance.Errnos.ENOTEMPTY;
import static io.github.fusespringboot.test.conformance.Flags.O_RDWR;
import static io.github.fusespringboot.test.conformance.Flags.RENAME_EXCHANGE;
import static io.github.fusespringboot.test.conformance.Flags.RENAME_NOREPLACE;

/** {@link Capability#RENAME} and {@link Capability#RENAME_FLAGS}. */
final class RenameChecks {

    private RenameChecks() {
    }

    static List<Check> checks() {
        return List.of(Check.of(RENAME, "rename of a file to a new name moves it", (s) -> {
            String from = s.file("a", "content");
            long ino = Scratch.stat(from).ino();
            Posix.rename(from, s.path("b")).ok();
            Posix.lstat(from).fails(ENOENT);
            Expect.equal("content of \"" + s.path("b") + "\"", "content", Scratch.readString(s.path("b")));
            Expect.equal("stat(\"" + s.path("b") + "\").st_ino (the same file)", ino, Scratch.stat(s.path("b")).ino());
        }), Check.of(RENAME, "rename of a file over a file replaces it", (s) -> {
            String from = s.file("a", "new");
            String to = s.file("b", "old");
            Posix.rename(from, to).ok();
            Posix.lstat(from).fails(ENOENT);
            Expect.equal("content of \"" + to + "\"", "new", Scratch.readString(to));
            Expect.equal("names in \"" + s.dir() + "\"", List.of("b"), ReadOnlyChecks.names(s.dir()));
        }), Check.of(RENAME, "rename of a directory over an empty directory replaces it", (s) -> {
            String from = s.dir("a");
            s.file("a/inside", "x");
            String to = s.dir("b");
            Posix.rename(from, to).ok();
            Posix.lstat(from).fails(ENOENT);
            Expect.equal("content of \"" + to + "/inside\"", "x", Scratch.readString(to + "/inside"));
        }), Check.of(RENAME, "rename of a directory over a non-empty directory fails with ENOTEMPTY", (s) -> {
            String from = s.dir("a");
            String to = s.dir("b");
            s.file("b/inside", "x");
            Posix.rename(from, to).fails(ENOTEMPTY, EEXIST);
            Posix.stat(from).ok();
            Posix.stat(to + "/inside").ok();
        }), Check.of(RENAME, "rename of a directory over a file fails with ENOTDIR", (s) -> {
            Posix.rename(s.dir("a"), s.file("b", "")).fails(ENOTDIR);
        }), Check.of(RENAME, "rename of a file over a directory fails with EISDIR", (s) -> {
            Posix.rename(s.file("a", ""), s.dir("b")).fails(EISDIR);
        }), Check.of(RENAME, "rename across directories moves a file", (s) -> {
            s.dir("d1");
            s.dir("d2");
            String from = s.file("d1/f", "moving");
            Posix.rename(from, s.path("d2/g")).ok();
            Posix.lstat(from).fails(ENOENT);
            Expect.equal("content of \"" + s.path("d2/g") + "\"", "moving", Scratch.readString(s.path("d2/g")));
            Expect.equal("names in \"" + s.path("d1") + "\"", List.of(), ReadOnlyChecks.names(s.path("d1")));
        }), Check.of(RENAME, "rename across directories moves a directory with its contents", (s) -> {
            s.dir("d1");
            s.dir("d2");
            s.dir("d1/sub");
            s.file("d1/sub/f", "inside");
            Posix.rename(s.path("d1/sub"), s.path("d2/sub")).ok();
            Expect.equal("content of \"" + s.path("d2/sub/f") + "\"", "inside", Scratch.readString(s.path("d2/sub/f")));
            Posix.lstat(s.path("d1/sub")).fails(ENOENT);
        }), Check.of(RENAME, "rename of a file onto itself succeeds and changes nothing", (s) -> {
            String file = s.file("a", "same");
            Posix.rename(file, file).ok();
            Expect.equal("content of \"" + file + "\"", "same", Scratch.readString(file));
        }), Check.of(RENAME, "rename of an open file keeps the descriptor on it", (s) -> {
            String from = s.file("a", "open");
            int fd = Posix.open(from, O_RDWR).ok();
            try {
                Posix.rename(from, s.path("b")).ok();
                Expect.bytes("pread(" + fd + ", buf, 16, 0) after the rename", Scratch.bytes("open"),
                        Posix.pread(fd, 16, 0).ok());
                Posix.pwrite(fd, Scratch.bytes("OPEN"), 0).returns(4);
            }
            finally {
                Posix.close(fd).ok();
            }
            Expect.equal("content of \"" + s.path("b") + "\" after writing through the old descriptor", "OPEN",
                    Scratch.readString(s.path("b")));
        }), Check.of(RENAME, "rename of a missing name fails with ENOENT",
                (s) -> Posix.rename(s.path("missing"), s.path("b")).fails(ENOENT)),
        Check.of(RENAME, "rename into a missing directory fails with ENOENT",
                (s) -> Posix.rename(s.file("a", ""), s.path("missing/b")).fails(ENOENT)),
        Check.of(RENAME, "rename of a directory into its own subdirectory fails with EINVAL", (s) -> {
            String dir = s.dir("a");
            s.dir("a/sub");
            Posix.rename(dir, dir + "/sub/a").fails(EINVAL);
        }), Check.of(RENAME, "rename of a hard link onto another link of the same file changes nothing", (s) -> {
            String a = s.file("a", "linked");
            Posix.link(a, s.path("b")).ok();
            Posix.rename(a, s.path("b")).ok();
            Posix.lstat(a).ok();
            Posix.lstat(s.path("b")).ok();
        }).needs(HARD_LINKS),
        Check.of(RENAME_FLAGS, "renameat2(RENAME_NOREPLACE) onto an existing name fails with EEXIST", (s) -> {
            String from = s.file("a", "a");
            String to = s.file("b", "b");
            Posix.renameat2(from, to, RENAME_NOREPLACE).fails(EEXIST);
            Expect.equal("content of \"" + to + "\"", "b", Scratch.readString(to));
            Expect.equal("content of \"" + from + "\"", "a", Scratch.readString(from));
        }), Check.of(RENAME_FLAGS, "renameat2(RENAME_NOREPLACE) to a new name moves the file", (s) -> {
            String from = s.file("a", "a");
            Posix.renameat2(from, s.path("b"), RENAME_NOREPLACE).ok();
            Posix.lstat(from).fails(ENOENT);
            Expect.equal("content of \"" + s.path("b") + "\"", "a", Scratch.readString(s.path("b")));
        }), Check.of(RENAME_FLAGS, "renameat2(RENAME_EXCHANGE) swaps two files", (s) -> {
            String a = s.file("a", "first");
            String b = s.file("b", "second");
            Posix.renameat2(a, b, RENAME_EXCHANGE).ok();
            Expect.equal("content of \"" + a + "\"", "second", Scratch.readString(a));
            Expect.equal("content of \"" + b + "\"", "first", Scratch.readString(b));
        }), Check.of(RENAME_FLAGS, "renameat2(RENAME_EXCHANGE) swaps a file and a directory", (s) -> {
            String a = s.file("a", "file");
            String b = s.dir("b");
            Posix.renameat2(a, b, RENAME_EXCHANGE).ok();
            Expect.mode("lstat(\"" + a + "\").st_mode & S_IFMT", FileStatus.S_IFDIR, Scratch.lstat(a).type());
            Expect.equal("content of \"" + b + "\"", "file", Scratch.readString(b));
        }), Check.of(RENAME_FLAGS, "renameat2(RENAME_EXCHANGE) with a missing name fails with ENOENT", (s) -> {
            String a = s.file("a", "a");
            Posix.renameat2(a, s.path("missing"), RENAME_EXCHANGE).fails(ENOENT);
            Expect.equal("content of \"" + a + "\"", "a", Scratch.readString(a));
        }));
    }

}
