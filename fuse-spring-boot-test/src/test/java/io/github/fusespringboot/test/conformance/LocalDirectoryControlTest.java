package io.github.fusespringboot.test.conformance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kit's control: the whole catalogue, every capability declared, against a plain local directory
 * (tmpfs when {@code /dev/shm} is one, else the test root's filesystem). Every check must pass and
 * none may be skipped: a check failing here is a bug in the kit.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LocalDirectoryControlTest {

    private static final Path SHM = Path.of("/dev/shm");

    private static Path dir;

    @BeforeAll
    static void makeDirectory() throws Exception {
        MountedOptions shm = MountedOptions.of(SHM.toString());
        dir = (shm != null && shm.type().equals("tmpfs") && shm.mountPoint().equals(SHM.toString())
                && Files.isWritable(SHM))
                ? Files.createTempDirectory(SHM, "fuse-spring-boot-conformance-control-")
                : TestDirectories.fresh("control-");
    }

    @AfterAll
    static void removeDirectory() throws Exception {
        TestDirectories.delete(dir);
    }

    @TestFactory
    Stream<DynamicNode> everyCheckPassesOnALocalDirectoryAndNoneIsSkipped() throws Exception {
        String umask = umask();
        AtomicInteger checks = new AtomicInteger();
        Stream<DynamicNode> catalogue = ConformanceRun.strict(FuseConformance.at(dir).supportingAll().tests())
            .peek((group) -> checks.incrementAndGet());
        DynamicTest afterwards = DynamicTest.dynamicTest("the kit leaves nothing behind", () -> {
            assertThat(checks.get()).as("capability groups run").isEqualTo(Capability.values().length);
            assertThat(TestDirectories.descriptorsUnder(dir)).as("descriptors the kit left open").isEmpty();
            assertThat(dir.toFile().list()).as("every check removes its directory").isEmpty();
            assertThat(umask()).as("the JVM's umask after checks that ran under other umasks").isEqualTo(umask);
        });
        return Stream.concat(catalogue, Stream.of(afterwards));
    }

    private static String umask() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status"))
            .stream()
            .filter((line) -> line.startsWith("Umask:"))
            .findFirst()
            .orElseThrow();
    }

}
