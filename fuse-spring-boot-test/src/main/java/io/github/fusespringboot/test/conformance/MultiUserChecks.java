// Checks of another user's calls through allow_other + default_permissions: ownership and permission errors.
package io.github.fusespringboot.test.conformance;

import java.util.List;

import io.github.fusespringboot.test.conformance.natives.FileStatus;

import static io.github.fusespringboot.test.conformance.AttributeChecks.NOBODY;
import static io.github.fusespringboot.test.conformance.Capability.MULTI_USER;
import static io.github.fusespringboot.test.conformance.Capability.SPECIAL_FILES;
import static io.github.fusespringboot.test.conformance.Capability.SYMLINKS;
import static io.github.fusespringboot.test.conformance.Errnos.EACCES;
import static io.github.fusespringboot.test.conformance.Errnos.EPERM;
import static io.github.fusespringboot.test.conformance.Flags.O_CREAT;
import static io.github.fusespringboot.test.conformance.Flags.O_EXCL;
import static io.github.fusespringboot.test.conformance.Flags.O_RDONLY;
import static io.github.fusespringboot.test.conformance.Flags.O_WRONLY;
import static io.github.fusespringboot.test.conformance.Flags.UTIME_NOW;

/**
 * {@link Capability#MULTI_USER}: root sets the scene, then uid/gid 65534 acts (on a thread of its own,
 * with relative names from the check's directory) and gets what the kernel's permission checks give.
 * A FUSE mount needs {@code allow_other} for the other user to get in at all, and
 * {@code default_permissions} for the kernel to check modes.
 */
final class MultiUserChecks {

    private MultiUserChecks() {
    }

    static List<Check> checks() {
        return List.of(owned("a file another user creates is owned by that user",
                () -> Posix.close(Posix.open("shared/x", O_WRONLY | O_CREAT | O_EXCL, 0644).ok()).ok()),
        owned("a directory another user makes is owned by that user", () -> Posix.mkdir("shared/x", 0755).ok()),
        owned("a symlink another user makes is owned by that user", () -> Posix.symlink("target", "shared/x").ok())
            .needs(SYMLINKS),
        owned("a FIFO another user makes is owned by that user", () -> Posix.mkfifo("shared/x", 0644).ok())
            .needs(SPECIAL_FILES),
        Check.of(MULTI_USER, "a user may chmod and set the times of its own file", (s) -> {
            shared(s);
            Caller.as(NOBODY, NOBODY, s.dir(), () -> {
                Posix.close(Posix.open("shared/f", O_WRONLY | O_CREAT | O_EXCL, 0644).ok()).ok();
                Posix.chmod("shared/f", 0600).ok();
                Posix.utimensat("shared/f", new long[] { 1_000_000_000L, 1, 1_000_000_000L, 2 }, 0).ok();
                Posix.utimensat("shared/f", new long[] { 0, UTIME_NOW, 1_000_000_000L, 3 }, 0).ok();
            });
            FileStatus status = Scratch.stat(s.path("shared/f"));
            Expect.mode("stat(\"" + s.path("shared/f") + "\").st_mode & 07777", 0600, status.permissions());
            Expect.equal("stat(\"" + s.path("shared/f") + "\") mtime", "1000000000.000000003",
                    AttributeChecks.time(status.mtimeSeconds(), status.mtimeNanos()));
        }), Check.of(MULTI_USER, "chmod of another user's file fails with EPERM", (s) -> {
            String file = rootFile(s, "theirs", 0666);
            Caller.as(NOBODY, NOBODY, s.dir(), () -> Posix.chmod("theirs", 0777).fails(EPERM));
            Expect.mode("stat(\"" + file + "\").st_mode & 07777", 0666, Scratch.stat(file).permissions());
        }), Check.of(MULTI_USER, "chown of one's own file to another owner, or a group one is not in, fails with EPERM",
                (s) -> {
                    shared(s);
                    Caller.as(NOBODY, NOBODY, s.dir(), () -> {
                        Posix.close(Posix.open("shared/f", O_WRONLY | O_CREAT | O_EXCL, 0644).ok()).ok();
                        Posix.chown("shared/f", 0, -1).fails(EPERM);
                        Posix.chown("shared/f", -1, 0).fails(EPERM);
                    });
                }).needs(Capability.OWNERSHIP),
        Check.of(MULTI_USER, "open of another user's 0600 file fails with EACCES", (s) -> {
            rootFile(s, "secret", 0600);
            Caller.as(NOBODY, NOBODY, s.dir(), () -> {
                Posix.open("secret", O_RDONLY).fails(EACCES);
                Posix.open("secret", O_WRONLY).fails(EACCES);
            });
        }), Check.of(MULTI_USER, "another user's 0644 file: read succeeds, write and truncate fail with EACCES", (s) -> {
            String file = rootFile(s, "readable", 0644);
            Caller.as(NOBODY, NOBODY, s.dir(), () -> {
                Posix.close(Posix.open("readable", O_RDONLY).ok()).ok();
                Posix.open("readable", O_WRONLY).fails(EACCES);
                Posix.truncate("readable", 0).fails(EACCES);
            });
            Expect.equal("content of \"" + file + "\"", "root's", Scratch.readString(file));
        }).needs(Capability.TRUNCATE),
        Check.of(MULTI_USER, "create, mkdir, unlink and rename in another user's 0755 directory fail with EACCES",
                (s) -> {
                    shared(s);
                    s.dir("locked");
                    Posix.chmod(s.path("locked"), 0755).ok();
                    s.file("locked/f", "x");
                    Caller.as(NOBODY, NOBODY, s.dir(), () -> {
                        Posix.open("locked/new", O_WRONLY | O_CREAT, 0644).fails(EACCES);
                        Posix.mkdir("locked/d", 0755).fails(EACCES);
                        Posix.unlink("locked/f").fails(EACCES);
                        Posix.rename("locked/f", "shared/f").fails(EACCES);
                    });
                    Posix.stat(s.path("locked/f")).ok();
                }),
        Check.of(MULTI_USER, "a 0700 directory of another user cannot be searched: EACCES", (s) -> {
            s.dir("private");
            Posix.chmod(s.path("private"), 0700).ok();
            s.file("private/f", "x");
            Caller.as(NOBODY, NOBODY, s.dir(), () -> Posix.stat("private/f").fails(EACCES));
        }), Check.of(MULTI_USER, "in a sticky 01777 directory another user's file cannot be removed: EPERM", (s) -> {
            s.dir("sticky");
            Posix.chmod(s.path("sticky"), 01777).ok();
            s.file("sticky/f", "root's");
            Posix.chmod(s.path("sticky/f"), 0666).ok();
            Caller.as(NOBODY, NOBODY, s.dir(), () -> {
                Posix.unlink("sticky/f").fails(EPERM);
                Posix.rename("sticky/f", "sticky/g").fails(EPERM);
                // the user's own file in the same directory can go
                Posix.close(Posix.open("sticky/mine", O_WRONLY | O_CREAT | O_EXCL, 0644).ok()).ok();
                Posix.unlink("sticky/mine").ok();
            });
            Posix.stat(s.path("sticky/f")).ok();
        }), Check.of(MULTI_USER, "another user's writable file may be set to now, not to a chosen time: EPERM", (s) -> {
            rootFile(s, "writable", 0666);
            Caller.as(NOBODY, NOBODY, s.dir(), () -> {
                Posix.utimensat("writable", null, 0).ok();
                Posix.utimensat("writable", new long[] { 0, UTIME_NOW, 0, UTIME_NOW }, 0).ok();
                Posix.utimensat("writable", new long[] { 1_000_000_000L, 0, 1_000_000_000L, 0 }, 0).fails(EPERM);
            });
        }), Check.of(MULTI_USER, "setting another user's read-only file to now fails with EACCES", (s) -> {
            rootFile(s, "readonly", 0644);
            Caller.as(NOBODY, NOBODY, s.dir(), () -> Posix.utimensat("readonly", null, 0).fails(EACCES));
        }));
    }

    /** A check that the user creates {@code shared/x} (through {@code create}) and then owns it. */
    private static Check owned(String name, Runnable create) {
        return Check.of(MULTI_USER, name, (s) -> {
            shared(s);
            Caller.as(NOBODY, NOBODY, s.dir(), create);
            FileStatus status = Scratch.lstat(s.path("shared/x"));
            Expect.equal("lstat(\"" + s.path("shared/x") + "\").st_uid:st_gid", NOBODY + ":" + NOBODY,
                    status.uid() + ":" + status.gid());
        }).asRoot();
    }

    /** A 0777 directory {@code shared} (and the check's own directory open for search). */
    private static void shared(Scratch s) {
        Posix.chmod(s.dir(), 0755).ok();
        s.dir("shared");
        Posix.chmod(s.path("shared"), 0777).ok();
    }

    /** A file owned by root with {@code mode}, group bits equal to other bits, so root's groups do not matter. */
    private static String rootFile(Scratch s, String name, int mode) {
        Posix.chmod(s.dir(), 0755).ok();
        String file = s.file(name, "root's");
        Posix.chmod(file, mode).ok();
        return file;
    }

}
