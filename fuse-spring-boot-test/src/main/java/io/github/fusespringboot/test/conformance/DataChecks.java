// Checks of concurrent O_APPEND writers, shared mmap, fsync/fdatasync and statfs.
package io.github.fusespringboot.test.conformance;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.fusespringboot.test.conformance.natives.FilesystemStatus;
import io.github.fusespringboot.test.conformance.natives.SharedMapping;

import static io.github.fusespringboot.test.conformance.Capability.APPEND_CONCURRENCY;
import static io.github.fusespringboot.test.conformance.Capability.DIRECTORIES;
import static io.github.fusespringboot.test.conformance.Capability.MMAP;
import static io.github.fusespringboot.test.conformance.Capability.STATFS;
import static io.github.fusespringboot.test.conformance.Capability.SYNC;
import static io.github.fusespringboot.test.conformance.Errnos.ENOENT;
import static io.github.fusespringboot.test.conformance.Flags.O_APPEND;
import static io.github.fusespringboot.test.conformance.Flags.O_DIRECTORY;
import static io.github.fusespringboot.test.conformance.Flags.O_RDONLY;
import static io.github.fusespringboot.test.conformance.Flags.O_RDWR;
import static io.github.fusespringboot.test.conformance.Flags.O_WRONLY;

/** {@link Capability#APPEND_CONCURRENCY}, {@link Capability#MMAP}, {@link Capability#SYNC}, {@link Capability#STATFS}. */
final class DataChecks {

    private static final int WRITERS = 4;

    private static final int RECORDS = 250;

    private static final int RECORD = 32;

    private DataChecks() {
    }

    static List<Check> checks() {
        return List.of(Check.of(APPEND_CONCURRENCY,
                WRITERS + " concurrent O_APPEND writers: every record lands whole, once, none overwritten",
                DataChecks::concurrentAppends),
        Check.of(APPEND_CONCURRENCY, "O_APPEND writes through two descriptors in turn all land at the end", (s) -> {
            String file = s.file("f", "");
            int one = Posix.open(file, O_WRONLY | O_APPEND).ok();
            int two = Posix.open(file, O_WRONLY | O_APPEND).ok();
            try {
                for (int i = 0; i < 5; i++) {
                    Posix.write(one, Scratch.bytes("1")).returns(1);
                    Posix.write(two, Scratch.bytes("2")).returns(1);
                }
            }
            finally {
                Posix.closeQuietly(two);
                Posix.closeQuietly(one);
            }
            Expect.equal("content of \"" + file + "\"", "1212121212", Scratch.readString(file));
        }), Check.of(MMAP, "a write into a MAP_SHARED mapping is read back through the descriptor", (s) -> {
            String file = s.file("f", new byte[8192]);
            int fd = Posix.open(file, O_RDWR).ok();
            try {
                SharedMapping mapping = Posix.mapShared(fd, 8192).ok();
                try {
                    mapping.put(4096, Scratch.bytes("mapped write"));
                    Posix.msync(mapping, 8192).ok();
                }
                finally {
                    mapping.close();
                }
                Expect.bytes("pread(" + fd + ", buf, 12, 4096) after writing the mapping", Scratch.bytes("mapped write"),
                        Posix.pread(fd, 12, 4096).ok());
            }
            finally {
                Posix.close(fd).ok();
            }
            Expect.bytes("bytes 4096..4107 of \"" + file + "\" read afresh", Scratch.bytes("mapped write"),
                    java.util.Arrays.copyOfRange(Scratch.read(file), 4096, 4108));
        }), Check.of(MMAP, "a pwrite is seen through a MAP_SHARED mapping made before it", (s) -> {
            String file = s.file("f", new byte[4096]);
            int fd = Posix.open(file, O_RDWR).ok();
            try {
                SharedMapping mapping = Posix.mapShared(fd, 4096).ok();
                try {
                    Expect.bytes("mapping bytes 0..3 before pwrite", new byte[4], mapping.get(0, 4));
                    Posix.pwrite(fd, Scratch.bytes("seen"), 100).returns(4);
                    Expect.bytes("mapping bytes 100..103 after pwrite(" + fd + ", \"seen\", 4, 100)",
                            Scratch.bytes("seen"), mapping.get(100, 4));
                }
                finally {
                    mapping.close();
                }
            }
            finally {
                Posix.close(fd).ok();
            }
        }), Check.of(SYNC, "fsync and fdatasync of a written file succeed and the data reads back", (s) -> {
            String file = s.file("f", "");
            int fd = Posix.open(file, O_RDWR).ok();
            try {
                Posix.write(fd, Scratch.bytes("durable")).returns(7);
                Posix.fsync(fd).ok();
                Posix.pwrite(fd, Scratch.bytes("D"), 0).returns(1);
                Posix.fdatasync(fd).ok();
            }
            finally {
                Posix.close(fd).ok();
            }
            Expect.equal("content of \"" + file + "\"", "Durable", Scratch.readString(file));
        }), Check.of(SYNC, "fsync of a read-only descriptor succeeds", (s) -> {
            int fd = Posix.open(s.file("f", "x"), O_RDONLY).ok();
            try {
                Posix.fsync(fd).ok();
            }
            finally {
                Posix.close(fd).ok();
            }
        }), Check.of(SYNC, "fsync of a directory succeeds", (s) -> {
            int fd = Posix.open(s.dir("d"), O_RDONLY | O_DIRECTORY).ok();
            try {
                Posix.fsync(fd).ok();
            }
            finally {
                Posix.close(fd).ok();
            }
        }).needs(DIRECTORIES), Check.of(STATFS, "statfs gives sizes that add up", (s) -> {
            FilesystemStatus status = Posix.statfs(s.mountPoint()).ok();
            String call = "statfs(\"" + s.mountPoint() + "\")";
            Expect.isTrue(call + ".f_bsize", status.blockSize() > 0, "> 0", status.blockSize());
            Expect.isTrue(call + ".f_namelen", status.nameMax() > 0, "> 0", status.nameMax());
            Expect.isTrue(call + ".f_bfree", Long.compareUnsigned(status.freeBlocks(), status.blocks()) <= 0,
                    "<= f_blocks " + status.blocks(), status.freeBlocks());
            Expect.isTrue(call + ".f_bavail", Long.compareUnsigned(status.availableBlocks(), status.freeBlocks()) <= 0,
                    "<= f_bfree " + status.freeBlocks(), status.availableBlocks());
            if (status.files() != 0) {
                Expect.isTrue(call + ".f_ffree", Long.compareUnsigned(status.freeFiles(), status.files()) <= 0,
                        "<= f_files " + status.files(), status.freeFiles());
            }
        }), Check.of(STATFS, "fstatfs of an open directory agrees with statfs", (s) -> {
            FilesystemStatus byPath = Posix.statfs(s.mountPoint()).ok();
            int fd = Posix.open(s.mountPoint(), O_RDONLY | O_DIRECTORY).ok();
            try {
                FilesystemStatus byFd = Posix.fstatfs(fd).ok();
                Expect.equal("fstatfs(" + fd + ") f_type, f_bsize, f_namelen vs statfs(\"" + s.mountPoint() + "\")",
                        List.of(byPath.type(), byPath.blockSize(), byPath.nameMax()),
                        List.of(byFd.type(), byFd.blockSize(), byFd.nameMax()));
            }
            finally {
                Posix.close(fd).ok();
            }
        }), Check.of(STATFS, "statfs of a missing name fails with ENOENT",
                (s) -> Posix.statfs(s.mountPoint() + "/no-such-entry-for-statfs").fails(ENOENT)));
    }

    private static void concurrentAppends(Scratch s) throws Exception {
        String file = s.file("f", "");
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    int fd = Posix.open(file, O_WRONLY | O_APPEND).ok();
                    try {
                        start.await();
                        for (int r = 0; r < RECORDS; r++) {
                            Posix.write(fd, record(writer, r)).returns(RECORD);
                        }
                    }
                    finally {
                        Posix.close(fd).ok();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> writer : writers) {
                try {
                    writer.get(60, TimeUnit.SECONDS);
                }
                catch (java.util.concurrent.ExecutionException ex) {
                    if (ex.getCause() instanceof Exception cause) {
                        throw cause;
                    }
                    throw (Error) ex.getCause();
                }
            }
        }
        finally {
            pool.shutdownNow();
        }
        byte[] content = Scratch.read(file);
        Expect.equal("size of \"" + file + "\" after " + WRITERS + " x " + RECORDS + " O_APPEND writes of " + RECORD
                + " bytes", (long) WRITERS * RECORDS * RECORD, (long) content.length);
        Map<String, Integer> seen = new HashMap<>();
        for (int at = 0; at < content.length; at += RECORD) {
            String record = new String(content, at, RECORD, StandardCharsets.US_ASCII);
            seen.merge(record, 1, Integer::sum);
        }
        for (int w = 0; w < WRITERS; w++) {
            for (int r = 0; r < RECORDS; r++) {
                String expected = new String(record(w, r), StandardCharsets.US_ASCII);
                Expect.equal("times record " + expected.trim() + " appears whole in \"" + file + "\"", 1,
                        seen.getOrDefault(expected, 0));
            }
        }
    }

    private static byte[] record(int writer, int index) {
        String text = String.format("writer %d record %04d", writer, index);
        return (text + " ".repeat(RECORD - 1 - text.length()) + "\n").getBytes(StandardCharsets.US_ASCII);
    }

}
