package io.github.fusespringboot.test.conformance;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kit's control: the whole catalogue, every capability declared, against a plain local directory
 * (the test root's filesystem, ext4 or tmpfs). A check failing here is a bug in the kit.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LocalDirectoryControlTest {

    private static Path dir;

    @BeforeAll
    static void makeDirectory() throws Exception {
        dir = TestDirectories.fresh("control-");
    }

    @AfterAll
    static void removeDirectory() throws Exception {
        TestDirectories.delete(dir);
    }

    @TestFactory
    Stream<DynamicNode> everyCheckOnALocalDirectory() {
        return FuseConformance.at(dir).supportingAll().tests();
    }

    @Test
    void everyCheckPassesOnALocalDirectoryAndNoneIsSkipped() throws Exception {
        long started = System.nanoTime();
        ConformanceRun run = ConformanceRun.of(FuseConformance.at(dir).supportingAll().tests());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.out.printf("conformance control on %s: %d checks in %d ms%n", dir, run.verdicts().size(), millis);
        assertThat(run.with(ConformanceRun.Status.FAILED)).isEmpty();
        assertThat(TestDirectories.descriptorsUnder(dir)).as("descriptors the kit left open").isEmpty();
        assertThat(run.with(ConformanceRun.Status.SKIPPED)).isEmpty();
        assertThat(run.verdicts()).hasSize(Catalogue.size());
        assertThat(dir.toFile().list()).as("every check removes its directory").isEmpty();
    }

}
