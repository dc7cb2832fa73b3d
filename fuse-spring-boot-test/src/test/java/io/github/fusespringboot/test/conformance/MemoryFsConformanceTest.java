package io.github.fusespringboot.test.conformance;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.MountManager;
import io.github.fusespringboot.mount.MountSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import ru.serce.jnrfuse.examples.MemoryFS;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kit against a real FUSE mount: jnr-fuse's MemoryFS example, declaring what it implements.
 * Undeclared capabilities are reported skipped with the reason; where MemoryFS departs from POSIX
 * the failure names the call, the expected and the actual result.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MemoryFsConformanceTest {

    @Test
    void memoryFsPassesMostOfWhatItDeclaresSkipsTheRestAndItsFailuresNameTheCall() throws Exception {
        Path dir = TestDirectories.fresh("memoryfs-");
        ConformanceRun run;
        try (MountManager manager = new MountManager();
                FuseMount mount = manager.mount(MountSpec.builder("memoryfs", dir, new MemoryFS()).build())) {
            long started = System.nanoTime();
            run = ConformanceRun.of(FuseConformance.at(dir)
                .supporting(Capability.READ_ONLY, Capability.CREATE_WRITE, Capability.DIRECTORIES, Capability.RENAME,
                        Capability.TRUNCATE, Capability.STATFS)
                .tests());
            System.out.printf("conformance on MemoryFS: %d passed, %d failed, %d skipped in %d ms%n",
                    run.with(ConformanceRun.Status.PASSED).size(), run.with(ConformanceRun.Status.FAILED).size(),
                    run.with(ConformanceRun.Status.SKIPPED).size(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            run.with(ConformanceRun.Status.FAILED).forEach(System.out::println);
            assertThat(TestDirectories.descriptorsUnder(dir)).as("descriptors the kit left open").isEmpty();
        }
        finally {
            TestDirectories.delete(dir);
        }
        assertThat(run.verdicts()).hasSize(Catalogue.size());
        assertThat(run.in(Capability.XATTRS)).isNotEmpty()
            .allSatisfy((v) -> assertThat(v.status()).isEqualTo(ConformanceRun.Status.SKIPPED))
            .allSatisfy((v) -> assertThat(v.message()).isEqualTo("capability XATTRS not declared in FuseConformance.supporting(...)"));
        assertThat(run.named("truncate down keeps the start of the file").status())
            .isEqualTo(ConformanceRun.Status.PASSED);
        assertThat(run.with(ConformanceRun.Status.PASSED)).hasSizeGreaterThan(50);
    }

}
