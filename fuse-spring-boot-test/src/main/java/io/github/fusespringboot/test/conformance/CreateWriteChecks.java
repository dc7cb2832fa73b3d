// Checks of open(2) with every access mode and creation flag, create modes under umask, write and unlink.
package io.github.fusespringboot.test.conformance;

import java.util.ArrayList;
import java.util.List;

import io.github.fusespringboot.test.conformance.natives.FileStatus;

import static io.github.fusespringboot.test.conformance.Capability.CREATE_WRITE;
import static io.github.fusespringboot.test.conformance.Capability.DIRECTORIES;
import static io.github.fusespringboot.test.conformance.Capability.SYMLINKS;
import static io.github.fusespringboot.test.conformance.Errnos.EBADF;
import static io.github.fusespringboot.test.conformance.Errnos.EEXIST;
import static io.github.fusespringboot.test.conformance.Errnos.EISDIR;
import static io.github.fusespringboot.test.conformance.Errnos.ELOOP;
import static io.github.fusespringboot.test.conformance.Errnos.ENAMETOOLONG;
import static io.github.fusespringboot.test.conformance.Errnos.ENOENT;
import static io.github.fusespringboot.test.conformance.Errnos.ENOTDIR;
import static io.github.fusespringboot.test.conformance.Flags.O_APPEND;
import static io.github.fusespringboot.test.conformance.Flags.O_CREAT;
import static io.github.fusespringboot.test.conformance.Flags.O_DIRECTORY;
import static io.github.fusespringboot.test.conformance.Flags.O_EXCL;
import static io.github.fusespringboot.test.conformance.Flags.O_NOFOLLOW;
import static io.github.fusespringboot.test.conformance.Flags.O_RDONLY;
import static io.github.fusespringboot.test.conformance.Flags.O_RDWR;
import static io.github.fusespringboot.test.conformance.Flags.O_TRUNC;
import static io.github.fusespringboot.test.conformance.Flags.O_WRONLY;
import static io.github.fusespringboot.test.conformance.Flags.SEEK_SET;

/** {@link Capability#CREATE_WRITE}: the open(2) matrix, umask, write/read back, unlink. */
final class CreateWriteChecks {

    private static final int[] ACCESS_MODES = { O_RDONLY, O_WRONLY, O_RDWR };

    private CreateWriteChecks() {
    }

    static List<Check> checks() {
        List<Check> checks = new ArrayList<>();
        for (int access : ACCESS_MODES) {
            String mode = Flags.accessMode(access);
            checks.add(creates(access | O_CREAT));
            checks.add(creates(access | O_CREAT | O_EXCL));
            checks.add(Check.of(CREATE_WRITE, "open(" + mode + "|O_CREAT|O_EXCL) of an existing file fails with EEXIST",
                    (s) -> {
                        String file = s.file("f", "kept");
                        Posix.open(file, access | O_CREAT | O_EXCL, 0644).fails(EEXIST);
                        Expect.equal("content of \"" + file + "\" after the failed open", "kept", Scratch.readString(file));
                    }));
            checks.add(Check.of(CREATE_WRITE, "open(" + mode + "|O_CREAT|O_EXCL) of an existing directory fails with EEXIST",
                    (s) -> Posix.open(s.dir("d"), access | O_CREAT | O_EXCL, 0644).fails(EEXIST)));
            checks.add(Check.of(CREATE_WRITE, "open(" + mode + "|O_CREAT) of an existing file opens it as it is",
                    (s) -> {
                        String file = s.file("f", "kept");
                        int before = Scratch.stat(file).permissions();
                        Posix.close(Posix.open(file, access | O_CREAT, 0600).ok()).ok();
                        Expect.equal("content of \"" + file + "\"", "kept", Scratch.readString(file));
                        Expect.mode("stat(\"" + file + "\").st_mode & 07777 (O_CREAT's mode applies to new files only)",
                                before, Scratch.stat(file).permissions());
                    }));
            checks.add(Check.of(CREATE_WRITE, "open(" + mode + ") of a missing name fails with ENOENT",
                    (s) -> Posix.open(s.path("missing"), access).fails(ENOENT)));
            checks.add(Check.of(CREATE_WRITE, "open(" + mode + "|O_CREAT) in a missing directory fails with ENOENT",
                    (s) -> Posix.open(s.path("missing/f"), access | O_CREAT, 0644).fails(ENOENT)));
            checks.add(Check.of(CREATE_WRITE, "open(" + mode + "|O_CREAT) below a regular file fails with ENOTDIR",
                    (s) -> Posix.open(s.file("f", "") + "/g", access | O_CREAT, 0644).fails(ENOTDIR)));
            checks.add(Check.of(CREATE_WRITE, "open(" + mode + "|O_DIRECTORY) of a regular file fails with ENOTDIR",
                    (s) -> Posix.open(s.file("f", ""), access | O_DIRECTORY).fails(ENOTDIR)));
            checks.add(Check.of(CREATE_WRITE, "open(" + mode + "|O_CREAT) of a directory fails with EISDIR",
                    (s) -> Posix.open(s.dir("d"), access | O_CREAT, 0644).fails(EISDIR)));
            checks.add(Check.of(CREATE_WRITE, "open(" + mode + "|O_NOFOLLOW) of a symlink fails with ELOOP", (s) -> {
                s.file("target", "x");
                Posix.symlink("target", s.path("link")).ok();
                Posix.open(s.path("link"), access | O_NOFOLLOW).fails(ELOOP);
            }).needs(SYMLINKS));
            checks.add(Check.of(CREATE_WRITE,
                    "open(" + mode + "|O_CREAT|O_EXCL) of a dangling symlink fails with EEXIST and creates nothing",
                    (s) -> {
                        Posix.symlink("nowhere", s.path("link")).ok();
                        Posix.open(s.path("link"), access | O_CREAT | O_EXCL, 0644).fails(EEXIST);
                        Posix.lstat(s.path("nowhere")).fails(ENOENT);
                    }).needs(SYMLINKS));
            if (access != O_RDONLY) {
                checks.add(Check.of(CREATE_WRITE, "open(" + mode + "|O_TRUNC) of a file empties it", (s) -> {
                    String file = s.file("f", "some content");
                    Posix.close(Posix.open(file, access | O_TRUNC).ok()).ok();
                    Expect.equal("stat(\"" + file + "\").st_size after O_TRUNC", 0L, Scratch.stat(file).size());
                }));
                checks.add(Check.of(CREATE_WRITE, "open(" + mode + "|O_CREAT|O_TRUNC) of an existing file empties it",
                        (s) -> {
                            String file = s.file("f", "some content");
                            Posix.close(Posix.open(file, access | O_CREAT | O_TRUNC, 0644).ok()).ok();
                            Expect.equal("stat(\"" + file + "\").st_size after O_CREAT|O_TRUNC", 0L,
                                    Scratch.stat(file).size());
                        }));
                checks.add(Check.of(CREATE_WRITE, "open(" + mode + "|O_APPEND) writes at the end whatever the offset",
                        (s) -> {
                            String file = s.file("f", "abc");
                            int fd = Posix.open(file, access | O_APPEND).ok();
                            try {
                                Posix.lseek(fd, 0, SEEK_SET).returns(0);
                                Posix.write(fd, Scratch.bytes("def")).returns(3);
                            }
                            finally {
                                Posix.close(fd).ok();
                            }
                            Expect.equal("content of \"" + file + "\" after an O_APPEND write at offset 0", "abcdef",
                                    Scratch.readString(file));
                        }));
            }
            checks.add(Check.of(CREATE_WRITE, "open(" + mode + ") of a directory "
                    + ((access == O_RDONLY) ? "succeeds" : "fails with EISDIR"), (s) -> {
                        Call<Integer> open = Posix.open(s.dir("d"), access);
                        if (access == O_RDONLY) {
                            Posix.close(open.ok()).ok();
                        }
                        else {
                            open.fails(EISDIR);
                        }
                    }).needs(DIRECTORIES));
        }
        checks.add(umask(022, 0666, 0644));
        checks.add(umask(077, 0666, 0600));
        checks.add(umask(027, 0777, 0750));
        checks.add(umask(0, 0640, 0640));
        checks.add(Check.of(CREATE_WRITE, "write then read returns the bytes written", (s) -> {
            byte[] data = new byte[200_000];
            new java.util.Random(11).nextBytes(data);
            String file = s.file("f", data);
            Expect.equal("stat(\"" + file + "\").st_size", (long) data.length, Scratch.stat(file).size());
            Expect.bytes("content of \"" + file + "\"", data, Scratch.read(file));
        }));
        checks.add(Check.of(CREATE_WRITE, "pwrite past the end leaves zeros before it", (s) -> {
            String file = s.file("f", "ab");
            int fd = Posix.open(file, O_RDWR).ok();
            try {
                Posix.pwrite(fd, Scratch.bytes("z"), 10).returns(1);
                Expect.bytes("pread(" + fd + ", buf, 11, 0)", new byte[] { 'a', 'b', 0, 0, 0, 0, 0, 0, 0, 0, 'z' },
                        Posix.pread(fd, 11, 0).ok());
            }
            finally {
                Posix.close(fd).ok();
            }
        }));
        checks.add(Check.of(CREATE_WRITE, "a write through one descriptor is read through another", (s) -> {
            String file = s.file("f", "");
            int writer = Posix.open(file, O_WRONLY).ok();
            int reader = Posix.open(file, O_RDONLY).ok();
            try {
                Posix.write(writer, Scratch.bytes("shared")).returns(6);
                Expect.bytes("read(" + reader + ", buf, 16) after write(" + writer + ", \"shared\", 6)",
                        Scratch.bytes("shared"), Posix.read(reader, 16).ok());
            }
            finally {
                Posix.closeQuietly(reader);
                Posix.closeQuietly(writer);
            }
        }));
        checks.add(Check.of(CREATE_WRITE, "read from an O_WRONLY descriptor and write to an O_RDONLY one fail with EBADF",
                (s) -> {
                    String file = s.file("f", "x");
                    int writer = Posix.open(file, O_WRONLY).ok();
                    int reader = Posix.open(file, O_RDONLY).ok();
                    try {
                        Posix.read(writer, 1).fails(EBADF);
                        Posix.write(reader, Scratch.bytes("y")).fails(EBADF);
                    }
                    finally {
                        Posix.closeQuietly(reader);
                        Posix.closeQuietly(writer);
                    }
                }));
        checks.add(Check.of(CREATE_WRITE, "open(O_CREAT) of a 256-byte name fails with ENAMETOOLONG",
                (s) -> Posix.open(s.path("n".repeat(256)), O_WRONLY | O_CREAT, 0644).fails(ENAMETOOLONG)));
        checks.add(Check.of(CREATE_WRITE, "a 255-byte name can be created and found", (s) -> {
            String file = s.file("n".repeat(255), "long");
            Expect.equal("content of the 255-byte name", "long", Scratch.readString(file));
        }));
        checks.add(Check.of(CREATE_WRITE, "unlink removes the name; lookup then fails with ENOENT", (s) -> {
            String file = s.file("f", "x");
            Posix.unlink(file).ok();
            Posix.stat(file).fails(ENOENT);
            Expect.equal("readdir(\"" + s.dir() + "\") after unlink", List.of(), ReadOnlyChecks.names(s.dir()));
        }));
        checks.add(Check.of(CREATE_WRITE, "unlink of a missing name fails with ENOENT",
                (s) -> Posix.unlink(s.path("missing")).fails(ENOENT)));
        checks.add(Check.of(CREATE_WRITE, "an unlinked file stays readable and writable through an open descriptor",
                (s) -> {
                    String file = s.file("f", "before");
                    int fd = Posix.open(file, O_RDWR).ok();
                    try {
                        Posix.unlink(file).ok();
                        Posix.pwrite(fd, Scratch.bytes("after!"), 0).returns(6);
                        Expect.bytes("pread(" + fd + ", buf, 16, 0) after unlink(\"" + file + "\")",
                                Scratch.bytes("after!"), Posix.pread(fd, 16, 0).ok());
                    }
                    finally {
                        Posix.close(fd).ok();
                    }
                    Posix.stat(file).fails(ENOENT);
                }));
        return checks;
    }

    private static Check creates(int flags) {
        return Check.of(CREATE_WRITE, "open(" + Flags.open(flags) + ") of a missing name creates an empty regular file",
                (s) -> {
                    String file = s.path("f");
                    int fd = Posix.open(file, flags, 0644).ok();
                    try {
                        int access = flags & 3;
                        if (access == O_WRONLY) {
                            Posix.read(fd, 1).fails(EBADF);
                        }
                        else {
                            Expect.equal("read(" + fd + ", buf, 1) of the new file, bytes", 0, Posix.read(fd, 1).ok().length);
                        }
                        if (access == O_RDONLY) {
                            Posix.write(fd, Scratch.bytes("x")).fails(EBADF);
                        }
                        else {
                            Posix.write(fd, Scratch.bytes("x")).returns(1);
                        }
                    }
                    finally {
                        Posix.close(fd).ok();
                    }
                    FileStatus status = Scratch.stat(file);
                    Expect.mode("stat(\"" + file + "\").st_mode & S_IFMT", FileStatus.S_IFREG, status.type());
                    Expect.equal("stat(\"" + file + "\").st_size", ((flags & 3) == O_RDONLY) ? 0L : 1L, status.size());
                    Expect.equal("stat(\"" + file + "\").st_nlink", 1L, status.nlink());
                });
    }

    private static Check umask(int mask, int requested, int expected) {
        return Check.of(CREATE_WRITE, "open(O_CREAT, " + Flags.mode(requested) + ") under umask " + Flags.mode(mask)
                + " creates mode " + Flags.mode(expected), (s) -> {
                    String file = s.path("f");
                    Caller.withUmask(mask,
                            () -> Posix.close(Posix.open(file, O_WRONLY | O_CREAT | O_EXCL, requested).ok()).ok());
                    Expect.mode("stat(\"" + file + "\").st_mode & 07777 after umask(" + Flags.mode(mask) + ")", expected,
                            Scratch.stat(file).permissions());
                });
    }

}
