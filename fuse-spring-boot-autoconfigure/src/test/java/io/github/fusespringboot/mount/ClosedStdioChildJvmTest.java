package io.github.fusespringboot.mount;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Issue 3 section 5 and issue 4 section 2: the founding scenario with 8 workers in a JVM started with
 * descriptors 0, 1 and 2 closed, starting child processes while filesystems are mounted. No FUSE
 * descriptor may ever sit on 0..3, nothing may hang, nothing may leak.
 */
@ExtendWith(FuseTestExtension.class)
class ClosedStdioChildJvmTest {

    static final int WORKERS = 8;

    static final int CYCLES = 2_000; // 8 workers x 250

    /** JVM start-up plus a few seconds of cycles normally; a hang is killed here instead of blocking. */
    static final long CHILD_BOUND_SECONDS = 150;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "multithreaded", "single" })
    @Timeout(value = 200, unit = TimeUnit.SECONDS)
    void aJvmStartedWithStdioClosedMountsConcurrentlyAndNoFuseDescriptorEverSitsOnZeroToThree(String loop,
            FuseTestExtension.Fixture fx) throws Exception {
        Path resultFile = fx.path("child-result.txt");
        Path root = fx.dir("mounts");
        Path shellOutput = fx.path("sh-output.txt");
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classpath = System.getProperty("java.class.path");
        String command = "exec " + quote(java) + " -Xmx256m -XX:+UseSerialGC -cp " + quote(classpath) + " "
                + ClosedStdioChild.class.getName() + " " + quote(resultFile.toString()) + " "
                + quote(root.toString()) + " " + WORKERS + " " + CYCLES + " " + loop + " <&- >&- 2>&-";

        Process child = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true)
            .redirectOutput(shellOutput.toFile())
            .start();
        if (!child.waitFor(CHILD_BOUND_SECONDS, TimeUnit.SECONDS)) {
            child.descendants().forEach(ProcessHandle::destroyForcibly);
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
            FuseTestExtension.cleanUp(root);
            fail("the child JVM did not end within " + CHILD_BOUND_SECONDS + " s and was killed; "
                    + (Files.exists(resultFile) ? Files.readString(resultFile) : "no result file"));
        }

        assertThat(shellOutput).as("sh had nothing to say (e.g. java not found)").isEmptyFile();
        assertThat(resultFile).as("the child wrote its result").exists();
        Map<String, String> result = read(resultFile);
        System.out.printf("CHILD-JVM loop=%s workers=%d cycles=%s failures=%s seconds=%s cycles_per_s=%s "
                + "spawns=%s fd_samples=%s max_fuse_fds=%s lowest_fuse_fd=%s reserved=%s initial=[%s, %s, %s, %s] "
                + "before_reserve=[%s, %s, %s, %s]%n",
                loop, WORKERS, result.get("cycles"), result.get("failures"), result.get("seconds"),
                result.get("cyclesPerSecond"), result.get("spawns"), result.get("samples"),
                result.get("maxFuseDescriptors"), result.get("lowestFuseDescriptor"), result.get("reserved"),
                result.get("initial.fd0"), result.get("initial.fd1"), result.get("initial.fd2"),
                result.get("initial.fd3"), result.get("beforeReserve.fd0"), result.get("beforeReserve.fd1"),
                result.get("beforeReserve.fd2"), result.get("beforeReserve.fd3"));
        assertThat(result.get("error")).as("the child's own failure").isNull();
        assertThat(child.exitValue()).as("exit status; result: " + result).isZero();

        // the child really started without our standard streams
        for (int fd = 0; fd <= 2; fd++) {
            assertThat(result.get("initial.fd" + fd)).as("descriptor " + fd + " at the child's start")
                .doesNotStartWith("pipe:")
                .doesNotStartWith("socket:")
                .doesNotStartWith("/dev/pts")
                .isNotEqualTo(shellOutput.toString());
        }
        // reserve() reopened exactly what was closed when it ran: the JVM's own /dev/null placeholders
        // on 0..2, handed back by the child (0..3 hold the JVM's own files by the time main runs)
        assertThat(result.get("handedBack")).as("the JDK's /dev/null placeholders on 0..2").isNotEqualTo("[]");
        assertThat(result.get("reserved")).isEqualTo(result.get("handedBack"));
        // the snapshot just before may miss one: the JVM opens files of its own now and then, which
        // sit on the lowest free number for a moment
        List<String> handedBack = List.of(result.get("handedBack").replaceAll("[\\[\\] ]", "").split(","));
        for (String fd : result.get("closedBeforeReserve").replaceAll("[\\[\\] ]", "").split(",")) {
            if (!fd.isEmpty()) {
                assertThat(handedBack).as("closed before reserve() and not handed back").contains(fd);
            }
        }
        assertThat(result.get("reservedAgain")).as("idempotent").isEqualTo(result.get("reserved"));
        for (String fd : result.get("reserved").replaceAll("[\\[\\] ]", "").split(",")) {
            assertThat(result.get("afterReserve.fd" + fd)).isEqualTo("/dev/null");
        }
        assertThat(result.get("lowDescriptorsOpenAfterReserve")).isEqualTo("true");
        for (int fd = 0; fd <= 3; fd++) {
            assertThat(result.get("afterReserve.fd" + fd)).isNotEqualTo("closed").isNotEqualTo("/dev/fuse");
        }

        assertThat(result.get("failureMessages")).isEmpty();
        assertThat(result.get("failures")).isEqualTo("0");
        assertThat(result.get("cycles")).isEqualTo(Integer.toString(CYCLES));
        assertThat(result.get("spawnProblems")).isEmpty();
        assertThat(Integer.parseInt(result.get("spawns"))).isGreaterThanOrEqualTo(CYCLES / ClosedStdioChild.SPAWN_EVERY);
        assertThat(Long.parseLong(result.get("samples"))).isGreaterThan(100);
        assertThat(Long.parseLong(result.get("listings"))).isGreaterThan(10);
        assertThat(result.get("fuseOnLowDescriptors")).isEqualTo("0");
        assertThat(result.get("lowDescriptorClosedSamples")).isEqualTo("0");
        assertThat(Integer.parseInt(result.get("maxFuseDescriptors"))).as("FUSE descriptors were seen at all")
            .isPositive();
        assertThat(Integer.parseInt(result.get("lowestFuseDescriptor"))).isGreaterThanOrEqualTo(4);
        assertThat(result.get("leaks")).isEqualTo("[]");
        assertThat(MountTable.read().fuseMountsUnder(root)).isEmpty();
        try (var left = Files.list(root)) {
            assertThat(left).isEmpty();
        }
    }

    private static Map<String, String> read(Path file) throws Exception {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return values;
    }

    private static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }

}
