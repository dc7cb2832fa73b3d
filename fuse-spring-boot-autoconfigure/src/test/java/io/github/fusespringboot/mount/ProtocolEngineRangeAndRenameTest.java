package io.github.fusespringboot.mount;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import jnr.ffi.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.examples.MemoryFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ManagedFuseStubFS's lseek, copyFileRange and rename(from, to, flags) through the kernel, and what a
 * filesystem without them gets.
 */
@ExtendWith(FuseTestExtension.class)
class ProtocolEngineRangeAndRenameTest {

    private static final int MIB = 1 << 20;

    @Test
    void seekDataAndHoleReachTheFilesystemsLseek(FuseTestExtension.Fixture fx) throws Exception {
        RangeFs fs = new RangeFs();
        fs.files.put("/sparse", new byte[MIB + 4096]);
        Arrays.fill(fs.files.get("/sparse"), MIB, MIB + 4096, (byte) 'd');
        try (FuseMount mount = mount(fx, "seek-fs", fs)) {
            Path file = mount.mountPoint().resolve("sparse");
            assertThat(python("fd = os.open(sys.argv[1], os.O_RDONLY)\n"
                    + "print(os.lseek(fd, 0, os.SEEK_DATA), os.lseek(fd, " + MIB + ", os.SEEK_HOLE))\n"
                    + "try:\n    os.lseek(fd, " + (MIB + 4096) + ", os.SEEK_DATA)\nexcept OSError as e:\n"
                    + "    print(errno.errorcode[e.errno])", file.toString())).isEqualTo(MIB + " " + (MIB + 4096) + "\nENXIO");
            assertThat(fs.calls).containsExactly("lseek /sparse 0 SEEK_DATA", "lseek /sparse " + MIB + " SEEK_HOLE",
                    "lseek /sparse " + (MIB + 4096) + " SEEK_DATA");
        }
    }

    @Test
    void copyFileRangeReachesTheFilesystemOncePerCall(FuseTestExtension.Fixture fx) throws Exception {
        RangeFs fs = new RangeFs();
        fs.files.put("/in", "0123456789".getBytes(StandardCharsets.US_ASCII));
        fs.files.put("/out", new byte[0]);
        try (FuseMount mount = mount(fx, "copy-fs", fs)) {
            Path dir = mount.mountPoint();
            assertThat(python("i = os.open(sys.argv[1], os.O_RDONLY)\no = os.open(sys.argv[2], os.O_WRONLY)\n"
                    + "print(os.copy_file_range(i, o, 6, 2, 0))", dir.resolve("in").toString(), dir.resolve("out").toString()))
                .isEqualTo("6");
            assertThat(fs.calls).containsExactly("copy /in@2 -> /out@0 6");
            assertThat(Files.readString(dir.resolve("out"))).isEqualTo("234567");
        }
    }

    @Test
    void withoutCopyFileRangeTheKernelCopiesThroughReadAndWrite(FuseTestExtension.Fixture fx) throws Exception {
        NamesFs fs = new NamesFs();
        fs.files.put("/in", "0123456789".getBytes(StandardCharsets.US_ASCII));
        fs.files.put("/out", new byte[0]);
        try (FuseMount mount = mount(fx, "copy-fallback", fs)) {
            Path dir = mount.mountPoint();
            String copy = "i = os.open(sys.argv[1], os.O_RDONLY)\no = os.open(sys.argv[2], os.O_WRONLY)\n"
                    + "print(os.copy_file_range(i, o, 6, 2, 0), os.copy_file_range(i, o, 4, 0, 6))";
            assertThat(python(copy, dir.resolve("in").toString(), dir.resolve("out").toString())).isEqualTo("6 4");
            assertThat(Files.readString(dir.resolve("out"))).isEqualTo("2345670123");
        }
    }

    @Test
    void renameFlagsReachAFilesystemThatOverridesRenameWithFlags(FuseTestExtension.Fixture fx) throws Exception {
        RangeFs fs = new RangeFs();
        fs.files.put("/a", "first".getBytes(StandardCharsets.US_ASCII));
        fs.files.put("/b", "second".getBytes(StandardCharsets.US_ASCII));
        try (FuseMount mount = mount(fx, "rename-flags", fs)) {
            Path dir = mount.mountPoint();
            String a = dir.resolve("a").toString();
            String b = dir.resolve("b").toString();
            // a descriptor on "a" across the exchange: its node must follow the file to "b"
            assertThat(python("fd = os.open(sys.argv[1], os.O_WRONLY)\n"
                    + "print(renameat2(sys.argv[1], sys.argv[2], 2), renameat2(sys.argv[1], sys.argv[3], 1),"
                    + " renameat2(sys.argv[3], sys.argv[2], 1))\n"
                    + "os.pwrite(fd, b'F', 0)\nos.close(fd)", a, b, dir.resolve("c").toString()))
                .isEqualTo("0 0 EEXIST");
            assertThat(fs.calls).containsExactly("rename /a /b 2", "rename /a /c 1");
            assertThat(Files.readString(dir.resolve("b"))).isEqualTo("First");
            assertThat(Files.readString(dir.resolve("c"))).isEqualTo("second");
            assertThat(Files.exists(dir.resolve("a"))).isFalse();
            Files.move(dir.resolve("c"), dir.resolve("d")); // a plain rename comes with flags 0
            assertThat(fs.calls).endsWith("rename /c /d 0");
        }
    }

    @Test
    void renameFlagsAreInvalidForFilesystemsWithoutRenameWithFlags(FuseTestExtension.Fixture fx) throws Exception {
        NamesFs managed = new NamesFs();
        managed.files.put("/a", new byte[1]);
        managed.files.put("/b", new byte[2]);
        MemoryFS plain = new MemoryFS();
        try (FuseMount one = mount(fx, "rename-managed", managed); FuseMount two = mount(fx, "rename-plain", plain)) {
            Files.write(two.mountPoint().resolve("a"), new byte[1]);
            Files.write(two.mountPoint().resolve("b"), new byte[2]);
            for (FuseMount mount : new FuseMount[] { one, two }) {
                Path dir = mount.mountPoint();
                assertThat(python("print(renameat2(sys.argv[1], sys.argv[2], 2), renameat2(sys.argv[1], sys.argv[3], 1))",
                        dir.resolve("a").toString(), dir.resolve("b").toString(), dir.resolve("c").toString()))
                    .as(mount.name()).isEqualTo("EINVAL EINVAL");
                assertThat(Files.size(dir.resolve("a"))).isEqualTo(1);
                Files.move(dir.resolve("a"), dir.resolve("c")); // plain rename still works
                assertThat(Files.size(dir.resolve("c"))).isEqualTo(1);
            }
        }
    }

    private static FuseMount mount(FuseTestExtension.Fixture fx, String name, ru.serce.jnrfuse.FuseFS fs)
            throws Exception {
        return fx.manager().mount(MountSpec.builder(name, fx.dir(name), fs).build());
    }

    private static String python(String script, String... args) throws Exception {
        String prelude = "import ctypes, errno, os, sys\nlibc = ctypes.CDLL(None, use_errno=True)\n"
                + "def renameat2(a, b, flags):\n"
                + "    r = libc.renameat2(-100, a.encode(), -100, b.encode(), flags)\n"
                + "    return 0 if r == 0 else errno.errorcode[ctypes.get_errno()]\n";
        String[] command = new String[3 + args.length];
        command[0] = "python3";
        command[1] = "-c";
        command[2] = prelude + script;
        System.arraycopy(args, 0, command, 3, args.length);
        Process python = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(python.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(python.exitValue()).as(out).isZero();
        return out;
    }

    /** Flat files in memory, with jnr-fuse's operations only (no lseek, copy or rename flags). */
    static class NamesFs extends ManagedFuseStubFS {

        final Map<String, byte[]> files = new TreeMap<>();

        @Override
        public synchronized int getattr(String path, FileStat stat) {
            if (path.equals("/")) {
                return TestStats.directory(stat);
            }
            byte[] data = this.files.get(path);
            if (data == null) {
                return -ErrorCodes.ENOENT();
            }
            stat.st_mode.set(FileStat.S_IFREG | 0644);
            stat.st_nlink.set(1);
            stat.st_size.set(data.length);
            return 0;
        }

        @Override
        public synchronized int readdir(String path, Pointer buf, FuseFillDir filler, long offset, FuseFileInfo fi) {
            this.files.keySet().forEach((name) -> filler.apply(buf, name.substring(1), null, 0));
            return 0;
        }

        @Override
        public synchronized int open(String path, FuseFileInfo fi) {
            return this.files.containsKey(path) ? 0 : -ErrorCodes.ENOENT();
        }

        @Override
        public synchronized int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
            byte[] data = this.files.get(path);
            int n = (int) Math.max(0, Math.min(size, data.length - offset));
            buf.put(0, data, (int) offset, n);
            return n;
        }

        @Override
        public synchronized int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
            byte[] data = this.files.get(path);
            if (offset + size > data.length) {
                data = Arrays.copyOf(data, (int) (offset + size));
                this.files.put(path, data);
            }
            buf.get(0, data, (int) offset, (int) size);
            return (int) size;
        }

        @Override
        public synchronized int truncate(String path, long size) {
            this.files.put(path, Arrays.copyOf(this.files.get(path), (int) size));
            return 0;
        }

        @Override
        public synchronized int rename(String oldpath, String newpath) {
            byte[] data = this.files.remove(oldpath);
            if (data == null) {
                return -ErrorCodes.ENOENT();
            }
            this.files.put(newpath, data);
            return 0;
        }

    }

    /** NamesFs with rename flags, lseek (data where bytes are not zero, by 4 KiB block) and copyFileRange, recorded. */
    static final class RangeFs extends NamesFs {

        final Queue<String> calls = new ConcurrentLinkedQueue<>();

        @Override
        public synchronized int rename(String oldpath, String newpath, int flags) {
            this.calls.add("rename " + oldpath + " " + newpath + " " + flags);
            if (flags == 2) {
                byte[] a = this.files.get(oldpath);
                byte[] b = this.files.get(newpath);
                if (a == null || b == null) {
                    return -ErrorCodes.ENOENT();
                }
                this.files.put(oldpath, b);
                this.files.put(newpath, a);
                return 0;
            }
            if (flags == 1 && this.files.containsKey(newpath)) {
                return -ErrorCodes.EEXIST();
            }
            return (flags & ~1) != 0 ? -ErrorCodes.EINVAL() : rename(oldpath, newpath);
        }

        @Override
        public synchronized long lseek(String path, long offset, int whence, FuseFileInfo fi) {
            this.calls.add("lseek " + path + " " + offset + ((whence == 3) ? " SEEK_DATA" : " SEEK_HOLE"));
            byte[] data = this.files.get(path);
            for (long at = offset; at < data.length; at = (at / 4096 + 1) * 4096) {
                boolean isData = data[(int) at] != 0;
                if (isData == (whence == 3)) {
                    return at;
                }
            }
            return (whence == 4 && offset < data.length) ? data.length : -ErrorCodes.ENXIO();
        }

        @Override
        public synchronized long copyFileRange(String pathIn, FuseFileInfo fiIn, long offsetIn, String pathOut,
                FuseFileInfo fiOut, long offsetOut, long size, int flags) {
            this.calls.add("copy " + pathIn + "@" + offsetIn + " -> " + pathOut + "@" + offsetOut + " " + size);
            byte[] in = this.files.get(pathIn);
            int n = (int) Math.max(0, Math.min(size, in.length - offsetIn));
            byte[] out = this.files.get(pathOut);
            if (offsetOut + n > out.length) {
                out = Arrays.copyOf(out, (int) (offsetOut + n));
                this.files.put(pathOut, out);
            }
            System.arraycopy(in, (int) offsetIn, out, (int) offsetOut, n);
            return n;
        }

    }

}
