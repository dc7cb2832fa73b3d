// Checks of lseek(2) SEEK_DATA/SEEK_HOLE on sparse files and of copy_file_range(2).
package io.github.fusespringboot.test.conformance;

import java.util.Arrays;
import java.util.List;

import static io.github.fusespringboot.test.conformance.Capability.COPY_FILE_RANGE;
import static io.github.fusespringboot.test.conformance.Capability.SEEK_HOLES;
import static io.github.fusespringboot.test.conformance.Errnos.ENXIO;
import static io.github.fusespringboot.test.conformance.Flags.O_RDONLY;
import static io.github.fusespringboot.test.conformance.Flags.O_RDWR;
import static io.github.fusespringboot.test.conformance.Flags.SEEK_CUR;
import static io.github.fusespringboot.test.conformance.Flags.SEEK_DATA;
import static io.github.fusespringboot.test.conformance.Flags.SEEK_HOLE;

/**
 * {@link Capability#SEEK_HOLES} and {@link Capability#COPY_FILE_RANGE}. The seek checks accept any
 * granularity of holes and a filesystem that keeps none (all data, the end of the file the only
 * hole), but not one that calls written bytes a hole or a hole data that does not read as zeros.
 */
final class RangeChecks {

    private static final int MIB = 1 << 20;

    private static final int BLOCK = 4096;

    private RangeChecks() {
    }

    static List<Check> checks() {
        return List.of(Check.of(SEEK_HOLES,
                "SEEK_DATA and SEEK_HOLE on a sparse file: the data found holds what was written, the holes read as zeros",
                RangeChecks::sparseFileSeeks),
        Check.of(SEEK_HOLES, "SEEK_DATA and SEEK_HOLE at or past the end of the file fail with ENXIO", (s) -> {
            int fd = Posix.open(sparseFile(s), O_RDONLY).ok();
            try {
                long size = MIB + BLOCK;
                Posix.lseek(fd, size, SEEK_DATA).fails(ENXIO);
                Posix.lseek(fd, size, SEEK_HOLE).fails(ENXIO);
                Posix.lseek(fd, size + MIB, SEEK_DATA).fails(ENXIO);
            }
            finally {
                Posix.close(fd).ok();
            }
        }), Check.of(SEEK_HOLES, "SEEK_HOLE moves the descriptor's offset to the hole it found", (s) -> {
            int fd = Posix.open(sparseFile(s), O_RDONLY).ok();
            try {
                long hole = Posix.lseek(fd, MIB, SEEK_HOLE).ok();
                Expect.equal("lseek(" + fd + ", 0, SEEK_CUR) after SEEK_HOLE", hole, Posix.lseek(fd, 0, SEEK_CUR).ok());
            }
            finally {
                Posix.close(fd).ok();
            }
        }), Check.of(COPY_FILE_RANGE, "copy_file_range copies a range of one file into another", (s) -> {
            byte[] content = pattern(3 * BLOCK + 123);
            String from = s.file("from", content);
            String to = s.file("to", "");
            copy(from, 100, to, 0, content.length - 100);
            Expect.bytes("content of \"" + to + "\"", Arrays.copyOfRange(content, 100, content.length),
                    Scratch.read(to));
        }), Check.of(COPY_FILE_RANGE, "copy_file_range into the middle of a file overwrites only that range", (s) -> {
            String from = s.file("from", "COPIED");
            String to = s.file("to", "0123456789");
            copy(from, 0, to, 2, 6);
            Expect.equal("content of \"" + to + "\"", "01COPIED89", Scratch.readString(to));
        }), Check.of(COPY_FILE_RANGE, "copy_file_range from the end of the input copies nothing and returns 0", (s) -> {
            String from = s.file("from", "abc");
            String to = s.file("to", "xyz");
            int in = Posix.open(from, O_RDONLY).ok();
            int out = Posix.open(to, O_RDWR).ok();
            try {
                Posix.copyFileRange(in, 3, out, 0, 10).returns(0);
            }
            finally {
                Posix.close(out).ok();
                Posix.close(in).ok();
            }
            Expect.equal("content of \"" + to + "\"", "xyz", Scratch.readString(to));
        }), Check.of(COPY_FILE_RANGE, "copy_file_range between two ranges of one file", (s) -> {
            String file = s.file("f", "abcdef------");
            copy(file, 0, file, 6, 6);
            Expect.equal("content of \"" + file + "\"", "abcdefabcdef", Scratch.readString(file));
        }));
    }

    /** A file of 1 MiB + 4 KiB: 4 KiB of data at 0, a hole, 4 KiB of data at 1 MiB. */
    private static String sparseFile(Scratch s) {
        String file = s.file("sparse", pattern(BLOCK));
        int fd = Posix.open(file, O_RDWR).ok();
        try {
            Posix.pwrite(fd, pattern(BLOCK), MIB).returns(BLOCK);
        }
        finally {
            Posix.close(fd).ok();
        }
        return file;
    }

    private static void sparseFileSeeks(Scratch s) {
        int fd = Posix.open(sparseFile(s), O_RDONLY).ok();
        try {
            long size = MIB + BLOCK;
            Expect.equal("lseek(" + fd + ", 0, SEEK_DATA) (bytes 0..4095 were written)", 0L,
                    Posix.lseek(fd, 0, SEEK_DATA).ok());
            long hole = Posix.lseek(fd, 0, SEEK_HOLE).ok();
            Expect.isTrue("lseek(" + fd + ", 0, SEEK_HOLE) (bytes 0..4095 are data)", hole >= BLOCK && hole <= size,
                    "in [4096, " + size + "]", hole);
            if (hole < MIB) {
                long data = Posix.lseek(fd, hole, SEEK_DATA).ok();
                Expect.isTrue("lseek(" + fd + ", " + hole + ", SEEK_DATA) (bytes from 1 MiB were written)",
                        data > hole && data <= MIB, "in (" + hole + ", " + MIB + "]", data);
                byte[] gap = Posix.pread(fd, (int) (data - hole), hole).ok();
                Expect.bytes("pread of the hole " + hole + ".." + (data - 1), new byte[gap.length], gap);
            }
            Expect.isTrue("lseek(" + fd + ", " + (MIB - 1) + ", SEEK_DATA)",
                    Posix.lseek(fd, MIB - 1, SEEK_DATA).ok() <= MIB, "<= " + MIB, "beyond the written data");
            Expect.equal("lseek(" + fd + ", " + MIB + ", SEEK_HOLE) (the end of the file is a hole)", size,
                    Posix.lseek(fd, MIB, SEEK_HOLE).ok());
        }
        finally {
            Posix.close(fd).ok();
        }
    }

    /** copy_file_range until all {@code length} bytes are copied (it may copy less per call). */
    private static void copy(String from, long offsetIn, String to, long offsetOut, long length) {
        int in = Posix.open(from, O_RDONLY).ok();
        int out = Posix.open(to, O_RDWR).ok();
        try {
            long done = 0;
            while (done < length) {
                long n = Posix.copyFileRange(in, offsetIn + done, out, offsetOut + done, length - done).ok();
                Expect.isTrue("copy_file_range after " + done + " of " + length + " bytes", n > 0, "> 0", n);
                done += n;
            }
        }
        finally {
            Posix.close(out).ok();
            Posix.close(in).ok();
        }
    }

    private static byte[] pattern(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) ('a' + (i * 7 + i / 251) % 26);
        }
        return bytes;
    }

}
