// Checks of file sizes: truncate(2)/ftruncate(2) up and down, sparse holes, and files past 4 GiB.
package io.github.fusespringboot.test.conformance;

import java.util.List;

import static io.github.fusespringboot.test.conformance.Capability.DIRECTORIES;
import static io.github.fusespringboot.test.conformance.Capability.LARGE_FILES;
import static io.github.fusespringboot.test.conformance.Capability.TRUNCATE;
import static io.github.fusespringboot.test.conformance.Errnos.EBADF;
import static io.github.fusespringboot.test.conformance.Errnos.EINVAL;
import static io.github.fusespringboot.test.conformance.Errnos.EISDIR;
import static io.github.fusespringboot.test.conformance.Errnos.ENOENT;
import static io.github.fusespringboot.test.conformance.Flags.O_RDONLY;
import static io.github.fusespringboot.test.conformance.Flags.O_RDWR;

/** {@link Capability#TRUNCATE} and {@link Capability#LARGE_FILES}. */
final class SizeChecks {

    private static final long GIB = 1L << 30;

    private SizeChecks() {
    }

    static List<Check> checks() {
        return List.of(Check.of(TRUNCATE, "truncate down keeps the start of the file", (s) -> {
            String file = s.file("f", "0123456789");
            Posix.truncate(file, 4).ok();
            Expect.equal("content of \"" + file + "\" after truncate to 4", "0123", Scratch.readString(file));
        }), Check.of(TRUNCATE, "truncate up adds zeros", (s) -> {
            String file = s.file("f", "ab");
            Posix.truncate(file, 5).ok();
            Expect.bytes("content of \"" + file + "\" after truncate to 5", new byte[] { 'a', 'b', 0, 0, 0 },
                    Scratch.read(file));
        }), Check.of(TRUNCATE, "truncate to 0 empties the file", (s) -> {
            String file = s.file("f", "something");
            Posix.truncate(file, 0).ok();
            Expect.equal("stat(\"" + file + "\").st_size after truncate to 0", 0L, Scratch.stat(file).size());
        }), Check.of(TRUNCATE, "ftruncate down then up reads the start, then zeros", (s) -> {
            String file = s.file("f", "0123456789");
            int fd = Posix.open(file, O_RDWR).ok();
            try {
                Posix.ftruncate(fd, 3).ok();
                Expect.equal("fstat(" + fd + ").st_size after ftruncate to 3", 3L, Posix.fstat(fd).ok().size());
                Posix.ftruncate(fd, 6).ok();
                Expect.bytes("pread(" + fd + ", buf, 16, 0) after ftruncate to 3 then 6",
                        new byte[] { '0', '1', '2', 0, 0, 0 }, Posix.pread(fd, 16, 0).ok());
            }
            finally {
                Posix.close(fd).ok();
            }
        }), Check.of(TRUNCATE, "ftruncate of a read-only descriptor fails with EINVAL or EBADF", (s) -> {
            String file = s.file("f", "kept");
            int fd = Posix.open(file, O_RDONLY).ok();
            try {
                Posix.ftruncate(fd, 0).fails(EINVAL, EBADF);
            }
            finally {
                Posix.close(fd).ok();
            }
            Expect.equal("content of \"" + file + "\"", "kept", Scratch.readString(file));
        }), Check.of(TRUNCATE, "truncate of a missing name fails with ENOENT",
                (s) -> Posix.truncate(s.path("missing"), 0).fails(ENOENT)),
        Check.of(TRUNCATE, "truncate of a directory fails with EISDIR",
                (s) -> Posix.truncate(s.dir("d"), 0).fails(EISDIR)).needs(DIRECTORIES),
        Check.of(TRUNCATE, "a sparse file reads zeros in its hole", (s) -> {
            String file = s.file("f", "");
            int fd = Posix.open(file, O_RDWR).ok();
            try {
                Posix.pwrite(fd, Scratch.bytes("end"), 1 << 20).returns(3);
                Expect.equal("fstat(" + fd + ").st_size", (long) (1 << 20) + 3, Posix.fstat(fd).ok().size());
                Expect.bytes("pread(" + fd + ", buf, 4096, 4096) in the hole", new byte[4096],
                        Posix.pread(fd, 4096, 4096).ok());
                Expect.bytes("pread(" + fd + ", buf, 3, 1048576)", Scratch.bytes("end"),
                        Posix.pread(fd, 3, 1 << 20).ok());
            }
            finally {
                Posix.close(fd).ok();
            }
        }), Check.of(LARGE_FILES, "a write at 5 GiB makes a 5 GiB file that reads back", (s) -> {
            String file = s.file("f", "");
            int fd = Posix.open(file, O_RDWR).ok();
            try {
                Posix.pwrite(fd, Scratch.bytes("far"), 5 * GIB).returns(3);
                Expect.equal("fstat(" + fd + ").st_size after pwrite at 5 GiB", 5 * GIB + 3, Posix.fstat(fd).ok().size());
                Expect.bytes("pread(" + fd + ", buf, 3, " + 5 * GIB + ")", Scratch.bytes("far"),
                        Posix.pread(fd, 3, 5 * GIB).ok());
                Expect.bytes("pread(" + fd + ", buf, 16, " + 4 * GIB + ") in the hole", new byte[16],
                        Posix.pread(fd, 16, 4 * GIB).ok());
            }
            finally {
                Posix.close(fd).ok();
            }
            Expect.equal("stat(\"" + file + "\").st_size", 5 * GIB + 3, Scratch.stat(file).size());
        }), Check.of(LARGE_FILES, "bytes across the 4 GiB boundary read back", (s) -> {
            String file = s.file("f", "");
            int fd = Posix.open(file, O_RDWR).ok();
            try {
                Posix.pwrite(fd, Scratch.bytes("ABCDEFGH"), 4 * GIB - 4).returns(8);
                Expect.bytes("pread(" + fd + ", buf, 8, " + (4 * GIB - 4) + ")", Scratch.bytes("ABCDEFGH"),
                        Posix.pread(fd, 8, 4 * GIB - 4).ok());
                Expect.bytes("pread(" + fd + ", buf, 4, " + 4 * GIB + ")", Scratch.bytes("EFGH"),
                        Posix.pread(fd, 4, 4 * GIB).ok());
            }
            finally {
                Posix.close(fd).ok();
            }
        }), Check.of(LARGE_FILES, "truncate to just over 4 GiB and back", (s) -> {
            String file = s.file("f", "x");
            Posix.truncate(file, 4 * GIB + 1).ok();
            Expect.equal("stat(\"" + file + "\").st_size after truncate", 4 * GIB + 1, Scratch.stat(file).size());
            Posix.truncate(file, 1).ok();
            Expect.equal("content of \"" + file + "\" after truncate back to 1", "x", Scratch.readString(file));
        }), Check.of(LARGE_FILES, "a sparse 5 GiB file takes far less than 5 GiB of blocks", (s) -> {
            String file = s.file("f", "");
            Posix.truncate(file, 5 * GIB).ok();
            long blocks = Scratch.stat(file).blocks();
            Expect.isTrue("stat(\"" + file + "\").st_blocks of a 5 GiB file never written", blocks * 512 < 64L << 20,
                    "under 64 MiB of 512-byte blocks", blocks + " blocks");
        }));
    }

}
