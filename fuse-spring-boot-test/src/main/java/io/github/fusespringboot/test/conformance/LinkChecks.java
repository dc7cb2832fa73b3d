// Checks of hard links (link(2), st_nlink) and symbolic links (symlink(2), readlink(2), ELOOP).
package io.github.fusespringboot.test.conformance;

import java.util.List;

import io.github.fusespringboot.test.conformance.natives.FileStatus;

import static io.github.fusespringboot.test.conformance.Capability.DIRECTORIES;
import static io.github.fusespringboot.test.conformance.Capability.HARD_LINKS;
import static io.github.fusespringboot.test.conformance.Capability.SYMLINKS;
import static io.github.fusespringboot.test.conformance.Errnos.EEXIST;
import static io.github.fusespringboot.test.conformance.Errnos.EINVAL;
import static io.github.fusespringboot.test.conformance.Errnos.ELOOP;
import static io.github.fusespringboot.test.conformance.Errnos.ENOENT;
import static io.github.fusespringboot.test.conformance.Errnos.EPERM;
import static io.github.fusespringboot.test.conformance.Flags.O_RDONLY;
import static io.github.fusespringboot.test.conformance.Flags.O_WRONLY;

/** {@link Capability#HARD_LINKS} and {@link Capability#SYMLINKS}. */
final class LinkChecks {

    private LinkChecks() {
    }

    static List<Check> checks() {
        return List.of(Check.of(HARD_LINKS, "a new file has one link", (s) -> {
            String file = s.file("a", "");
            Expect.equal("stat(\"" + file + "\").st_nlink", 1L, Scratch.stat(file).nlink());
        }), Check.of(HARD_LINKS, "link gives both names the same inode and a link count of 2", (s) -> {
            String a = s.file("a", "shared");
            String b = s.path("b");
            Posix.link(a, b).ok();
            FileStatus first = Scratch.stat(a);
            FileStatus second = Scratch.stat(b);
            Expect.equal("stat(\"" + a + "\").st_nlink after link", 2L, first.nlink());
            Expect.equal("stat(\"" + b + "\").st_nlink after link", 2L, second.nlink());
            Expect.equal("stat(\"" + b + "\").st_ino vs stat(\"" + a + "\").st_ino", first.ino(), second.ino());
        }), Check.of(HARD_LINKS, "a write through one link is read through the other", (s) -> {
            String a = s.file("a", "");
            String b = s.path("b");
            Posix.link(a, b).ok();
            int fd = Posix.open(a, O_WRONLY).ok();
            try {
                Posix.write(fd, Scratch.bytes("through a")).returns(9);
            }
            finally {
                Posix.close(fd).ok();
            }
            Expect.equal("content of \"" + b + "\"", "through a", Scratch.readString(b));
        }), Check.of(HARD_LINKS, "unlink of one link leaves the other with a link count of 1", (s) -> {
            String a = s.file("a", "kept");
            String b = s.path("b");
            Posix.link(a, b).ok();
            Posix.unlink(a).ok();
            Expect.equal("stat(\"" + b + "\").st_nlink after unlink(\"" + a + "\")", 1L, Scratch.stat(b).nlink());
            Expect.equal("content of \"" + b + "\"", "kept", Scratch.readString(b));
        }), Check.of(HARD_LINKS, "link onto an existing name fails with EEXIST",
                (s) -> Posix.link(s.file("a", ""), s.file("b", "")).fails(EEXIST)),
        Check.of(HARD_LINKS, "link of a missing file fails with ENOENT",
                (s) -> Posix.link(s.path("missing"), s.path("b")).fails(ENOENT)),
        Check.of(HARD_LINKS, "link of a directory fails with EPERM",
                (s) -> Posix.link(s.dir("d"), s.path("b")).fails(EPERM)).needs(DIRECTORIES),
        Check.of(SYMLINKS, "readlink returns the target symlink was given, relative or absolute", (s) -> {
            Posix.symlink("some/relative/target", s.path("rel")).ok();
            Posix.symlink("/an/absolute/target", s.path("abs")).ok();
            Expect.equal("readlink(\"" + s.path("rel") + "\")", "some/relative/target",
                    Posix.readlink(s.path("rel"), 4096).ok());
            Expect.equal("readlink(\"" + s.path("abs") + "\")", "/an/absolute/target",
                    Posix.readlink(s.path("abs"), 4096).ok());
        }), Check.of(SYMLINKS, "lstat of a symlink says S_IFLNK, with the target's length as st_size", (s) -> {
            Posix.symlink("target-name", s.path("link")).ok();
            FileStatus status = Scratch.lstat(s.path("link"));
            Expect.mode("lstat(\"" + s.path("link") + "\").st_mode & S_IFMT", FileStatus.S_IFLNK, status.type());
            Expect.equal("lstat(\"" + s.path("link") + "\").st_size", 11L, status.size());
        }), Check.of(SYMLINKS, "stat and open follow a symlink to its target", (s) -> {
            s.file("target", "followed");
            Posix.symlink("target", s.path("link")).ok();
            FileStatus status = Scratch.stat(s.path("link"));
            Expect.mode("stat(\"" + s.path("link") + "\").st_mode & S_IFMT", FileStatus.S_IFREG, status.type());
            Expect.equal("stat(\"" + s.path("link") + "\").st_size", 8L, status.size());
            Expect.equal("content read through \"" + s.path("link") + "\"", "followed",
                    Scratch.readString(s.path("link")));
        }), Check.of(SYMLINKS, "a dangling symlink: lstat succeeds, stat and open fail with ENOENT", (s) -> {
            Posix.symlink("nowhere", s.path("link")).ok();
            Posix.lstat(s.path("link")).ok();
            Posix.stat(s.path("link")).fails(ENOENT);
            Posix.open(s.path("link"), O_RDONLY).fails(ENOENT);
        }), Check.of(SYMLINKS, "symlink onto an existing name fails with EEXIST",
                (s) -> Posix.symlink("x", s.file("a", "")).fails(EEXIST)),
        Check.of(SYMLINKS, "readlink of a regular file fails with EINVAL",
                (s) -> Posix.readlink(s.file("a", ""), 4096).fails(EINVAL)),
        Check.of(SYMLINKS, "readlink with a short buffer returns the first bytes", (s) -> {
            Posix.symlink("0123456789", s.path("link")).ok();
            Expect.equal("readlink(\"" + s.path("link") + "\", buf, 4)", "0123", Posix.readlink(s.path("link"), 4).ok());
        }), Check.of(SYMLINKS, "a symlink loop fails with ELOOP", (s) -> {
            Posix.symlink("b", s.path("a")).ok();
            Posix.symlink("a", s.path("b")).ok();
            Posix.open(s.path("a"), O_RDONLY).fails(ELOOP);
            Posix.stat(s.path("a")).fails(ELOOP);
        }), Check.of(SYMLINKS, "unlink of a symlink removes the link, not its target", (s) -> {
            String target = s.file("target", "stays");
            Posix.symlink("target", s.path("link")).ok();
            Posix.unlink(s.path("link")).ok();
            Posix.lstat(s.path("link")).fails(ENOENT);
            Expect.equal("content of \"" + target + "\"", "stays", Scratch.readString(target));
        }), Check.of(SYMLINKS, "a symlink to a directory is followed in paths", (s) -> {
            s.dir("d");
            s.file("d/f", "via link");
            Posix.symlink("d", s.path("link")).ok();
            Expect.equal("content of \"" + s.path("link/f") + "\"", "via link", Scratch.readString(s.path("link/f")));
        }).needs(DIRECTORIES));
    }

}
