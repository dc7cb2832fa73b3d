package io.github.fusespringboot.mount;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jnr.ffi.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.examples.HelloFuse;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.Flock;
import ru.serce.jnrfuse.struct.FuseFileInfo;

import static org.assertj.core.api.Assertions.assertThat;

/** POSIX and flock(2) locks reach a filesystem that implements lock/flock, through the kernel. */
@ExtendWith(FuseTestExtension.class)
class ProtocolEngineLocksTest {

    private static FuseMount mount(FuseTestExtension.Fixture fx, ru.serce.jnrfuse.FuseFS fs) throws Exception {
        return fx.manager()
            .mount(MountSpec.builder("locks", fx.dir("locks"), fs).build());
    }

    @Test
    void posixLocksReachTheFilesystemsLockAndACloseUnlocksTheOwner(FuseTestExtension.Fixture fx) throws Exception {
        LockingFs fs = new LockingFs();
        try (FuseMount mount = mount(fx, fs)) {
            assertThat(mount.negotiated().orElseThrow().flags()).contains("POSIX_LOCKS", "FLOCK_LOCKS");
            Path file = mount.mountPoint().resolve("f");
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                FileLock lock = channel.tryLock(0, 10, false);
                assertThat(lock).isNotNull();
                assertThat(fs.calls).contains("lock SETLK WRLCK 0+10");
                lock.release();
                assertThat(fs.calls).contains("lock SETLK UNLCK 0+10");
                fs.conflict = true;
                assertThat(channel.tryLock(0, 10, true)).isNull(); // the filesystem's EAGAIN
                assertThat(fs.calls).contains("lock SETLK RDLCK 0+10");
                fs.calls.clear();
            }
            assertThat(fs.calls).contains("lock SETLK UNLCK 0+0"); // the close's flush drops the owner's locks
        }
    }

    @Test
    void getlkReportsTheConflictingLockTheFilesystemNames(FuseTestExtension.Fixture fx) throws Exception {
        LockingFs fs = new LockingFs();
        try (FuseMount mount = mount(fx, fs)) {
            String out = run("python3", "-c", "import fcntl,os,struct,sys\n"
                    + "fd = os.open(sys.argv[1], os.O_RDWR)\n"
                    + "r = fcntl.fcntl(fd, fcntl.F_GETLK, struct.pack('hhxxxxqqixxxx', fcntl.F_WRLCK, 0, 0, 0, 0))\n"
                    + "t, w, s, l, p = struct.unpack('hhxxxxqqixxxx', r)\n" + "print(t, s, l)",
                    mount.mountPoint().resolve("f").toString());
            assertThat(out).isEqualTo("1 5 10"); // F_WRLCK over [5, 15)
            assertThat(fs.calls).contains("lock GETLK WRLCK 0+0");
        }
    }

    @Test
    void flockReachesTheFilesystemsFlockAndTheLastCloseUnlocks(FuseTestExtension.Fixture fx) throws Exception {
        LockingFs fs = new LockingFs();
        try (FuseMount mount = mount(fx, fs)) {
            String file = mount.mountPoint().resolve("f").toString();
            assertThat(run("flock", "-x", file, "true")).isEmpty();
            // RELEASE (with FUSE_RELEASE_FLOCK_UNLOCK) comes after close(2) returned
            assertThat(fs.unlocked.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(fs.calls).contains("flock " + LockOps.EX, "flock " + LockOps.UN);
            fs.conflict = true;
            assertThat(run("flock", "-n", "-s", file, "echo", "got it")).isEqualTo("exit 1");
            assertThat(fs.calls).contains("flock " + (LockOps.SH | LockOps.NB));
        }
    }

    @Test
    void withoutLockOperationsTheKernelKeepsLocksItself(FuseTestExtension.Fixture fx) throws Exception {
        try (FuseMount mount = mount(fx, new HelloFuse())) {
            assertThat(mount.negotiated().orElseThrow().flags()).doesNotContain("POSIX_LOCKS", "FLOCK_LOCKS");
            assertThat(run("flock", "-x", mount.mountPoint().resolve("hello").toString(), "true")).isEmpty();
        }
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return (process.exitValue() == 0) ? out : "exit " + process.exitValue();
    }

    /** flock(2) operations. */
    static final class LockOps {

        static final int SH = 1;

        static final int EX = 2;

        static final int NB = 4;

        static final int UN = 8;

    }

    /** One file "f" whose lock and flock record each call; with {@code conflict} they refuse. */
    static final class LockingFs extends ManagedFuseStubFS {

        final Queue<String> calls = new ConcurrentLinkedQueue<>();

        volatile boolean conflict;

        final CountDownLatch unlocked = new CountDownLatch(1);

        @Override
        public int getattr(String path, FileStat stat) {
            if (path.equals("/")) {
                return TestStats.directory(stat);
            }
            if (path.equals("/f")) {
                stat.st_mode.set(FileStat.S_IFREG | 0666);
                stat.st_nlink.set(1);
                stat.st_size.set(100);
                return 0;
            }
            return -ErrorCodes.ENOENT();
        }

        @Override
        public int open(String path, FuseFileInfo fi) {
            return 0;
        }

        @Override
        public int lock(String path, FuseFileInfo fi, int cmd, Flock flock) {
            String command = switch (cmd) {
                case 5 -> "GETLK";
                case 6 -> "SETLK";
                case 7 -> "SETLKW";
                default -> "cmd" + cmd;
            };
            int type = flock.l_type.intValue();
            this.calls.add("lock " + command + " " + List.of("RDLCK", "WRLCK", "UNLCK").get(type) + " "
                    + flock.l_start.longValue() + "+" + flock.l_len.longValue());
            if (cmd == 5) {
                flock.l_type.set(Flock.F_WRLCK);
                flock.l_start.set(5);
                flock.l_len.set(10);
                flock.l_pid.set(ProcessHandle.current().pid());
                return 0;
            }
            return (this.conflict && type != Flock.F_UNLCK) ? -ErrorCodes.EAGAIN() : 0;
        }

        @Override
        public int flock(String path, FuseFileInfo fi, int op) {
            this.calls.add("flock " + op);
            if (op == LockOps.UN) {
                this.unlocked.countDown();
            }
            return (this.conflict && (op & LockOps.UN) == 0) ? -ErrorCodes.EWOULDBLOCK() : 0;
        }

        @Override
        public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
            return 0;
        }

    }

}
