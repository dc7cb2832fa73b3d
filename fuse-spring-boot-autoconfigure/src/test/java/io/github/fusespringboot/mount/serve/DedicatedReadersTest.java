package io.github.fusespringboot.mount.serve;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.FuseTestExtension;
import io.github.fusespringboot.mount.MountSpec;
import io.github.fusespringboot.mount.natives.ThreadWakeup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.struct.FileStat;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A mount under load gets reader threads of its own (blocked in read on clones of its descriptor),
 * gives them back once idle, keeps answering from the epoll after that, and unmounts cleanly with them.
 */
@ExtendWith(FuseTestExtension.class)
class DedicatedReadersTest {

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aBusyMountGetsReadersOfItsOwnAndGivesThemBackWhenIdle(FuseTestExtension.Fixture fx) throws Exception {
        assertThat(ThreadWakeup.available()).as("the JDK's I/O interrupt signal handler").isTrue();
        CountingFs fs = new CountingFs();
        FuseMount mount = fx.manager().mount(MountSpec.builder("busy", fx.dir("busy"), fs).build());
        int before = Reactor.shared().dedicatedMounts();

        try (Load load = new Load(mount.mountPoint(), 2)) {
            awaitTrue(() -> Reactor.shared().dedicatedMounts() > before, "the busy mount gets dedicated readers");
            awaitTrue(() -> !readerThreads("busy").isEmpty(), "threads named after the busy mount serve it");
            long served = fs.lookups.get();
            awaitTrue(() -> fs.lookups.get() > served + 1000, "lookups keep being answered by the readers");
        }

        awaitTrue(() -> Reactor.shared().dedicatedMounts() == before, "the idle mount gives its readers back");
        awaitTrue(() -> readerThreads("busy").isEmpty(), "no thread is named after the idle mount");
        long served = fs.lookups.get();
        assertThat(Files.exists(mount.mountPoint().resolve("after-release"))).isFalse();
        assertThat(fs.lookups.get()).as("a lookup after the readers left reached the filesystem").isGreaterThan(served);

        // busy again, and unmounted while the readers serve it: they end with it, nothing is left behind
        try (Load load = new Load(mount.mountPoint(), 2)) {
            awaitTrue(() -> Reactor.shared().dedicatedMounts() > before, "the mount gets dedicated readers again");
            mount.unmount();
        }
        assertThat(mount.isServing()).isFalse();
        awaitTrue(() -> Reactor.shared().dedicatedMounts() == before, "the unmounted mount's readers are gone");
        assertThat(readerThreads("busy")).isEmpty();
        assertThat(FuseTestExtension.openFuseDescriptors()).as("descriptors to /dev/fuse after the unmount").isEmpty();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void oneCallerSendingOneRequestAfterTheOtherIsServedAloneWithoutReadersOfItsOwn(FuseTestExtension.Fixture fx)
            throws Exception {
        CountingFs fs = new CountingFs();
        FuseMount mount = fx.manager().mount(MountSpec.builder("serial", fx.dir("serial"), fs).build());
        int before = Reactor.shared().dedicatedMounts();
        for (int i = 0; i < 5000; i++) {
            assertThat(Files.exists(mount.mountPoint().resolve("missing-" + i))).isFalse();
            assertThat(readerThreads("serial")).as("threads of the mount after lookup %d", i).isEmpty();
        }
        assertThat(fs.lookups.get()).isGreaterThanOrEqualTo(5000);
        assertThat(Reactor.shared().dedicatedMounts()).isEqualTo(before);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void largeWritesFromOneCallerGetReadersOfTheirOwn(FuseTestExtension.Fixture fx) throws Exception {
        SinkFs fs = new SinkFs();
        FuseMount mount = fx.manager().mount(MountSpec.builder("large", fx.dir("large"), fs).build());
        int before = Reactor.shared().dedicatedMounts();
        java.nio.ByteBuffer block = java.nio.ByteBuffer.allocateDirect(1 << 20);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        boolean dedicated = false;
        try (java.nio.channels.FileChannel sink = java.nio.channels.FileChannel.open(mount.mountPoint().resolve("sink"),
                java.nio.file.StandardOpenOption.WRITE)) {
            while (!dedicated && System.nanoTime() < deadline) {
                block.clear();
                sink.write(block);
                dedicated = !readerThreads("large").isEmpty();
            }
        }
        assertThat(dedicated).as("1 MiB writes one after the other got the mount readers of its own").isTrue();
        // one caller has one request in flight: the reader serving it and one waiting are enough; a third
        // starts when the next request comes before the reader that answered is back in read, but a reader
        // being started counts as waiting, so the requests that come while it starts start no more
        int most = 0;
        try (java.nio.channels.FileChannel sink = java.nio.channels.FileChannel.open(mount.mountPoint().resolve("sink"),
                java.nio.file.StandardOpenOption.WRITE)) {
            for (int i = 0; i < 500; i++) {
                block.clear();
                sink.write(block);
                most = Math.max(most, readerThreads("large").size());
            }
        }
        assertThat(most).as("readers of a mount with one caller (its cap: 10)").isBetween(1, 3);
        // a run of large transfers: 8 of 1 MiB (each counts for LARGE_WEIGHT of the RUN)
        long run = BusyMeter.RUN / BusyMeter.LARGE_WEIGHT;
        assertThat(fs.written.get()).as("bytes the filesystem was handed").isGreaterThanOrEqualTo(run << 20);
        awaitTrue(() -> Reactor.shared().dedicatedMounts() == before, "the idle mount gives its readers back");
    }

    private static List<String> readerThreads(String mount) {
        return FuseTestExtension.servingThreads().stream().filter((name) -> name.equals("fuse:" + mount)).toList();
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("still waiting until: " + what).isLessThan(deadline);
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /** Threads looking up names that do not exist (each lookup reaches the filesystem) until closed. */
    private static final class Load implements AutoCloseable {

        private final AtomicBoolean stop = new AtomicBoolean();

        private final List<Thread> threads = new ArrayList<>();

        Load(Path dir, int clients) {
            for (int c = 0; c < clients; c++) {
                int client = c;
                Thread thread = new Thread(() -> {
                    for (long i = 0; !this.stop.get(); i++) {
                        Files.exists(dir.resolve("missing-" + client + "-" + i)); // false, or false once unmounted
                    }
                }, "load-" + c);
                thread.setDaemon(true);
                thread.start();
                this.threads.add(thread);
            }
        }

        @Override
        public void close() throws InterruptedException {
            this.stop.set(true);
            for (Thread thread : this.threads) {
                thread.join(TimeUnit.SECONDS.toMillis(20));
                assertThat(thread.isAlive()).as("load thread still running").isFalse();
            }
        }

    }

    /** A root with one file, {@code /sink}, that takes every write and counts the bytes. */
    static final class SinkFs extends ReactorTest.RootOnlyFs {

        final AtomicLong written = new AtomicLong();

        @Override
        public int getattr(String path, FileStat stat) {
            if (path.equals("/sink")) {
                return io.github.fusespringboot.mount.TestStats.file(stat, 0644);
            }
            return super.getattr(path, stat);
        }

        @Override
        public int open(String path, ru.serce.jnrfuse.struct.FuseFileInfo fi) {
            return path.equals("/sink") ? 0 : -ru.serce.jnrfuse.ErrorCodes.ENOENT();
        }

        @Override
        public int write(String path, jnr.ffi.Pointer buf, long size, long offset,
                ru.serce.jnrfuse.struct.FuseFileInfo fi) {
            this.written.addAndGet(size);
            return (int) size;
        }

    }

    /** An empty root that counts the lookups of other names. */
    static final class CountingFs extends ReactorTest.RootOnlyFs {

        final AtomicLong lookups = new AtomicLong();

        @Override
        public int getattr(String path, FileStat stat) {
            if (!path.equals("/")) {
                this.lookups.incrementAndGet();
            }
            return super.getattr(path, stat);
        }

    }

}
