package io.github.fusespringboot.mount;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.FuseFS;
import ru.serce.jnrfuse.examples.HelloFuse;
import ru.serce.jnrfuse.examples.MemoryFS;

import static org.assertj.core.api.Assertions.assertThat;

/** Many filesystems up at the same time: mounted concurrently, all answering, unmounted concurrently. */
@ExtendWith(FuseTestExtension.class)
class ConcurrentMountsTest {

    static final int MOUNTS = 50;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void fiftyFilesystemsMountConcurrentlyAllAnswerAndAllUnmountConcurrently(FuseTestExtension.Fixture fx)
            throws Exception {
        List<MountSpec> specs = new ArrayList<>();
        for (int i = 0; i < MOUNTS; i++) {
            // even: HelloFuse; odd: MemoryFS; every other one with the single-threaded loop
            FuseFS filesystem = (i % 2 == 0) ? new HelloFuse() : new MemoryFS();
            specs.add(MountSpec.builder("fs-" + i, fx.path("fs-" + i), filesystem)
                .createMountPoint(true)
                .multithreaded(i % 4 < 2)
                .build());
        }

        List<MountManager.MountResult> results = fx.manager().mountAll(specs, 8);

        assertThat(results).hasSize(MOUNTS);
        assertThat(results).allSatisfy((result) -> assertThat(result.error()).isNull());
        List<FuseMount> mounts = results.stream().map(MountManager.MountResult::mount).toList();
        assertThat(mounts).allSatisfy((mount) -> assertThat(mount.state()).isEqualTo(MountState.MOUNTED));
        assertThat(fx.manager().mounts()).hasSize(MOUNTS);
        assertThat(MountTable.read().fuseMountsUnder(fx.root())).hasSize(MOUNTS);
        assertThat(FuseTestExtension.openFuseDescriptors()).hasSizeGreaterThanOrEqualTo(MOUNTS);

        // all answer, from 8 threads at once
        ExecutorService readers = Executors.newFixedThreadPool(8);
        try {
            List<Callable<String>> reads = new ArrayList<>();
            for (int i = 0; i < MOUNTS; i++) {
                Path dir = mounts.get(i).mountPoint();
                Path file = (i % 2 == 0) ? dir.resolve("hello") : dir.resolve("Sample file.txt");
                reads.add(() -> Files.readString(file));
            }
            List<Future<String>> answers = readers.invokeAll(reads, 60, TimeUnit.SECONDS);
            for (int i = 0; i < MOUNTS; i++) {
                assertThat(answers.get(i).get()).as("answer of fs-" + i)
                    .isEqualTo((i % 2 == 0) ? "Hello World!" : "Hello there, feel free to look around.\n");
            }
        }
        finally {
            readers.shutdownNow();
        }

        List<FuseMountException> failures = fx.manager().unmountAll(mounts, MOUNTS);

        assertThat(failures).isEmpty();
        assertThat(mounts).allSatisfy((mount) -> assertThat(mount.state()).isEqualTo(MountState.UNMOUNTED));
        assertThat(fx.manager().mounts()).isEmpty();
        assertThat(FuseTestExtension.leaks(fx.root())).isEmpty();
        try (var left = Files.list(fx.root())) {
            assertThat(left).as("the mount points the engine created are gone").isEmpty();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void mountAllReportsEachFailureAndTheOthersMountAnyway(FuseTestExtension.Fixture fx) throws Exception {
        HelloFuse hello = new HelloFuse();
        List<MountSpec> specs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            MountSpec.Builder spec = MountSpec.builder("m" + i, fx.path("m" + i), hello).createMountPoint(true);
            if (i == 3) {
                spec.option("no_such_option");
            }
            if (i == 7) {
                spec = MountSpec.builder("m7", fx.path("m7"), new MountFailureTest.InitFailingFs())
                    .createMountPoint(true);
            }
            specs.add(spec.build());
        }

        List<MountManager.MountResult> results = fx.manager().mountAll(specs, 4);

        assertThat(results).extracting((r) -> r.spec().name())
            .containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
        assertThat(results.get(3).succeeded()).isFalse();
        assertThat(results.get(3).error().getMessage()).contains("'m3'", "no_such_option");
        assertThat(results.get(7).succeeded()).isFalse();
        assertThat(results.get(7).error().phase()).isEqualTo(MountPhase.INIT);
        List<FuseMount> mounted = results.stream().filter(MountManager.MountResult::succeeded)
            .map(MountManager.MountResult::mount)
            .toList();
        assertThat(mounted).hasSize(8);
        for (FuseMount mount : mounted) {
            assertThat(Files.readString(mount.mountPoint().resolve("hello"))).isEqualTo("Hello World!");
        }
        assertThat(fx.path("m3")).doesNotExist();
        assertThat(fx.path("m7")).doesNotExist();
        assertThat(fx.manager().unmountAll(mounted, 4)).isEmpty();
        assertThat(FuseTestExtension.leaks(fx.root())).isEmpty();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void oneDirectoryIsMountedOnceWhenItsPathAndALinkToItRaceForIt(FuseTestExtension.Fixture fx) throws Exception {
        HelloFuse viaPath = new HelloFuse();
        HelloFuse viaLink = new HelloFuse();
        ExecutorService mounters = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 40; round++) {
                Path dir = fx.dir("d" + round);
                Path link = Files.createSymbolicLink(fx.path("link" + round), dir);
                CyclicBarrier start = new CyclicBarrier(2);
                MountSpec first = MountSpec.builder("path" + round, dir, viaPath).build();
                MountSpec second = MountSpec.builder("link" + round, link, viaLink).build();
                Future<Object> a = mounters.submit(() -> mountOrError(fx, first, start));
                Future<Object> b = mounters.submit(() -> mountOrError(fx, second, start));
                Object resultA = a.get(30, TimeUnit.SECONDS);
                Object resultB = b.get(30, TimeUnit.SECONDS);

                List<FuseMount> mounted = Stream.of(resultA, resultB)
                    .filter(FuseMount.class::isInstance)
                    .map(FuseMount.class::cast)
                    .toList();
                List<FuseMountException> refused = Stream.of(resultA, resultB)
                    .filter(FuseMountException.class::isInstance)
                    .map(FuseMountException.class::cast)
                    .toList();
                assertThat(mounted).as("round " + round + ": exactly one mount").hasSize(1);
                assertThat(refused).hasSize(1);
                assertThat(refused.get(0).phase()).isEqualTo(MountPhase.VALIDATE);
                assertThat(refused.get(0).getMessage()).contains("uses this directory already");
                assertThat(MountTable.read().entries().stream().filter((e) -> e.mountPoint().equals(dir.toString())))
                    .as("mounts stacked on " + dir)
                    .hasSize(1);
                assertThat(Files.readString(link.resolve("hello"))).isEqualTo("Hello World!");
                mounted.get(0).unmount();
                assertThat(mounted.get(0).state()).isEqualTo(MountState.UNMOUNTED);
                assertThat(MountTable.read().find(dir)).isEmpty();
            }
        }
        finally {
            mounters.shutdownNow();
        }
        assertThat(fx.manager().mounts()).isEmpty();
    }

    private static Object mountOrError(FuseTestExtension.Fixture fx, MountSpec spec, CyclicBarrier start)
            throws Exception {
        start.await(10, TimeUnit.SECONDS);
        try {
            return fx.manager().mount(spec);
        }
        catch (FuseMountException ex) {
            return ex;
        }
    }

}
