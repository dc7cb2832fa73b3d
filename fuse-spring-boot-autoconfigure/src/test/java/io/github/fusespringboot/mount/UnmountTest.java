package io.github.fusespringboot.mount;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.fusespringboot.mount.natives.Native;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import ru.serce.jnrfuse.examples.HelloFuse;
import ru.serce.jnrfuse.examples.MemoryFS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Unmounting: idempotent, bounded when someone else detached the mount, and filesystems are reusable. */
@ExtendWith(FuseTestExtension.class)
class UnmountTest {

    @Test
    void unmountIsIdempotentByHandleCloseAndName(FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("twice");
        FuseMount mount = fx.manager().mount(MountSpec.builder("twice", dir, new HelloFuse()).build());

        mount.unmount();
        mount.unmount();
        mount.close();
        mount.unmount(Duration.ofMillis(1));

        assertThat(mount.state()).isEqualTo(MountState.UNMOUNTED);
        assertThat(fx.manager().unmount("twice")).as("the manager no longer knows it").isFalse();
        assertThat(MountTable.read().find(dir)).isEmpty();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void concurrentUnmountsOfOneMountAllReturnOnceItIsUnmounted(FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("racing");
        FuseMount mount = fx.manager().mount(MountSpec.builder("racing", dir, new HelloFuse()).build());
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<MountState>> unmounts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            unmounts.add(CompletableFuture.supplyAsync(() -> {
                await(start);
                mount.unmount();
                return mount.state();
            }, (task) -> new Thread(task, "unmounter").start()));
        }

        start.countDown();

        for (CompletableFuture<MountState> unmount : unmounts) {
            assertThat(unmount.get(30, TimeUnit.SECONDS)).isEqualTo(MountState.UNMOUNTED);
        }
        assertThat(MountTable.read().find(dir)).isEmpty();
    }

    @ParameterizedTest(name = "multithreaded={0}")
    @ValueSource(booleans = { false, true })
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void unmountOfAMountSomeoneElseDetachedCompletesWithinTheBound(boolean multithreaded,
            FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("detached");
        Duration bound = Duration.ofSeconds(3);
        FuseMount mount = fx.manager()
            .mount(MountSpec.builder("detached", dir, new HelloFuse())
                .multithreaded(multithreaded)
                .unmountTimeout(bound)
                .build());
        assertThat(Files.readString(dir.resolve("hello"))).isEqualTo("Hello World!");

        // someone runs `umount -l` on it behind the engine's back
        assertThat(Native.umount2(dir.toString(), Native.MNT_DETACH)).isZero();
        assertThat(MountTable.read().find(dir)).isEmpty();

        long started = System.nanoTime();
        mount.unmount();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).isLessThan(bound.plus(FuseMount.ABORT_GRACE));
        assertThat(mount.state()).isEqualTo(MountState.UNMOUNTED);
        assertThat(mount.isServing()).isFalse();
        assertThat(fx.manager().mounts()).isEmpty();
        assertThat(FuseTestExtension.leaks(fx.root())).isEmpty();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void unmountOfADetachedMountWithAFileStillOpenEndsByAbortingTheConnectionWithinTheBound(
            FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("held");
        Duration bound = Duration.ofSeconds(2);
        FuseMount mount = fx.manager()
            .mount(MountSpec.builder("held", dir, new HelloFuse()).unmountTimeout(bound).build());
        FileChannel open = FileChannel.open(dir.resolve("hello"), StandardOpenOption.READ);
        try {
            // detached, but the open file keeps the connection alive: only the abort can end it
            assertThat(Native.umount2(dir.toString(), Native.MNT_DETACH)).isZero();

            long started = System.nanoTime();
            mount.unmount();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(took).isLessThan(bound.plus(FuseMount.ABORT_GRACE));
            assertThat(mount.state()).isEqualTo(MountState.UNMOUNTED);
            assertThat(mount.isServing()).isFalse();
            IOException error = catchThrowableOfType(() -> open.read(ByteBuffer.allocate(64), 0), IOException.class);
            assertThat(error).as("the aborted connection answers nothing any more").isNotNull();
            assertThat(error.getMessage()).contains("Transport endpoint is not connected");
        }
        finally {
            // closing sends FLUSH, which the aborted connection fails with ENOTCONN (the fd is closed anyway)
            catchThrowableOfType(open::close, IOException.class);
        }
        assertThat(open.isOpen()).isFalse();
        assertThat(FuseTestExtension.leaks(fx.root())).isEmpty();
    }

    @Test
    void aFilesystemInstanceCanBeMountedAgainAfterItWasUnmounted(FuseTestExtension.Fixture fx) throws Exception {
        HelloFuse hello = new HelloFuse();
        MemoryFS memory = new MemoryFS();
        Path dir = fx.dir("again");
        for (int round = 0; round < 5; round++) {
            try (FuseMount mount = fx.manager().mount(MountSpec.builder("again", dir, hello).build())) {
                assertThat(mount.filesystem()).isSameAs(hello);
                assertThat(Files.readString(dir.resolve("hello"))).isEqualTo("Hello World!");
            }
            assertThat(MountTable.read().find(dir)).isEmpty();
        }
        // a stateful filesystem keeps its state across mounts
        try (FuseMount mount = fx.manager().mount(MountSpec.builder("memory", dir, memory).build())) {
            Files.writeString(dir.resolve("kept.txt"), "still here");
        }
        try (FuseMount mount = fx.manager().mount(MountSpec.builder("memory", fx.dir("elsewhere"), memory).build())) {
            assertThat(Files.readString(mount.mountPoint().resolve("kept.txt"))).isEqualTo("still here");
        }
    }

    @Test
    void oneFilesystemInstanceServesTwoDirectoriesAtOnce(FuseTestExtension.Fixture fx) throws Exception {
        MemoryFS memory = new MemoryFS();
        Path left = fx.dir("left");
        Path right = fx.dir("right");
        try (FuseMount a = fx.manager().mount(MountSpec.builder("left", left, memory).build());
                FuseMount b = fx.manager().mount(MountSpec.builder("right", right, memory).build())) {
            assertThat(a.connectionId()).isNotEqualTo(b.connectionId());
            Files.writeString(left.resolve("shared.txt"), "written on the left");
            assertThat(Files.readString(right.resolve("shared.txt"))).isEqualTo("written on the left");

            a.unmount();
            assertThat(MountTable.read().find(left)).isEmpty();
            assertThat(Files.readString(right.resolve("shared.txt"))).as("the other mount is untouched")
                .isEqualTo("written on the left");
            assertThat(b.state()).isEqualTo(MountState.MOUNTED);
        }
        assertThat(MountTable.read().find(right)).isEmpty();
    }

    @Test
    void closingTheManagerUnmountsEverythingAndRefusesNewMounts(FuseTestExtension.Fixture fx) throws Exception {
        MountManager manager = new MountManager();
        List<FuseMount> mounts = new ArrayList<>();
        HelloFuse hello = new HelloFuse();
        for (int i = 0; i < 5; i++) {
            mounts.add(manager.mount(MountSpec.builder("m" + i, fx.dir("m" + i), hello).build()));
        }

        manager.close();
        manager.close();

        assertThat(mounts).allSatisfy((m) -> assertThat(m.state()).isEqualTo(MountState.UNMOUNTED));
        assertThat(MountTable.read().fuseMountsUnder(fx.root())).isEmpty();
        FuseMountException error = catchThrowableOfType(
                () -> manager.mount(MountSpec.builder("late", fx.dir("late"), hello).build()),
                FuseMountException.class);
        assertThat(error).isNotNull();
        assertThat(error.getMessage()).contains("'late'", "closed");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

}
