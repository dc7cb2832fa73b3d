package io.github.fusespringboot.test.conformance;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line: two local directories side by side in one per-capability table; bad arguments say why. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SideBySideTest {

    /** Leaves out what takes long (10,000 files, 5 GiB sparse files) or needs another user. */
    private static final String QUICK = "--without=BIG_DIRECTORIES,LARGE_FILES,APPEND_CONCURRENCY,MULTI_USER";

    @Test
    void printsOneColumnPerTargetAndExitsZeroWhenNothingFails() throws Exception {
        Path a = TestDirectories.fresh("side-a-");
        Path b = TestDirectories.fresh("side-b-");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            int status = SideBySide.run(new String[] { QUICK, "first=" + a, "second=" + b },
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
            String table = out.toString(StandardCharsets.UTF_8);
            assertThat(status).as(table).isZero();
            int readOnly = Catalogue.of(Capability.READ_ONLY).size();
            int big = Catalogue.of(Capability.BIG_DIRECTORIES).size();
            assertThat(table).contains("| capability | first (passed / failed / skipped) | second (passed / failed / skipped) |")
                .contains("| `READ_ONLY` | " + readOnly + " / 0 / 0 | " + readOnly + " / 0 / 0 |")
                .contains("| `BIG_DIRECTORIES` | 0 / 0 / " + big + " | 0 / 0 / " + big + " |")
                .contains("first: 0 failed", "second: 0 failed");
            assertThat(a.toFile().list()).as("what the checks made is removed").isEmpty();
        }
        finally {
            TestDirectories.delete(a);
            TestDirectories.delete(b);
        }
    }

    @Test
    void aTargetThatIsNoDirectoryOrAnUnknownCapabilityIsExitStatusTwoWithTheReason() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream out = new PrintStream(new ByteArrayOutputStream());
        assertThat(SideBySide.run(new String[] { "x=/nonexistent/dir" }, out, errors)).isEqualTo(2);
        assertThat(SideBySide.run(new String[] { "--without=NO_SUCH", "x=/tmp" }, out, errors)).isEqualTo(2);
        assertThat(SideBySide.run(new String[0], out, errors)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("/nonexistent/dir): not a directory")
            .contains("NO_SUCH")
            .contains("no target: give one or more name=directory")
            .contains("usage: SideBySide");
    }

}
