package io.github.fusespringboot.mount;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

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

}
