package io.github.fusespringboot.context;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.fusespringboot.mount.FuseTestExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The go-fuse #506 situation: a JVM started with descriptors 0, 1 and 2 closed mounts and unmounts
 * concurrently while starting child processes. No FUSE descriptor may ever sit on 0-3, no child may
 * inherit one, and nothing may hang.
 */
@ExtendWith(FuseTestExtension.class)
class FileDescriptorReservationProcessTests {

    @Test
    void withStandardDescriptorsClosedNoFuseDescriptorEverSitsOnZeroToThree(FuseTestExtension.Fixture fx)
            throws Exception {
        Path report = fx.root().resolve("report.txt");
        Path mounts = fx.dir("mounts");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder("sh", "-c",
                "exec \"$0\" -cp \"$1\" " + ReservationProbe.class.getName()
                        + " \"$2\" \"$3\" <&- >&- 2>&-", java,
                System.getProperty("java.class.path"), mounts.toString(), report.toString());
        Process process = builder.start();
        // well inside the 120 s JUnit timeout, so a hung child is killed here (its mounts are then
        // aborted by the extension) rather than left behind by an abandoned test thread
        boolean ended = process.waitFor(90, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(ended).as("the child JVM ended (it did not hang)").isTrue();
        assertThat(process.exitValue()).isZero();
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(report)) {
            int eq = line.indexOf('=');
            values.put(line.substring(0, eq), line.substring(eq + 1));
        }
        assertThat(values).containsEntry("done", "true");
        // the shell really closed them: the JVM did not start with a terminal or our pipes on 0-2
        for (int fd = 0; fd <= 2; fd++) {
            assertThat(values.get("at-start-fd" + fd)).doesNotStartWith("pipe:").doesNotStartWith("/dev/pts");
        }
        for (int fd = 0; fd <= 3; fd++) {
            assertThat(values.get("after-start-fd" + fd)).as("descriptor %d after start", fd)
                .isNotEqualTo("closed")
                .isNotEqualTo("/dev/fuse");
        }
        assertThat(values).containsEntry("declared-mounted", "6")
            .containsEntry("child-fuse-descriptors", "0")
            .containsEntry("runtime-cycles", "40")
            .containsEntry("fuse-on-low-descriptor", "");
        assertThat(Integer.parseInt(values.get("child-processes"))).isPositive();
        assertThat(Integer.parseInt(values.get("samples"))).isGreaterThan(100);
        assertThat(MountInfo.fuseMountsUnder(fx.root())).isEmpty();
    }

}
