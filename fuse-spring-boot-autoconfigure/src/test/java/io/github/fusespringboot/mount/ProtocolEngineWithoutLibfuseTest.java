package io.github.fusespringboot.mount;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The engine needs no libfuse: a child JVM in a private mount namespace where
 * {@code libfuse.so.2} is hidden (bind-mounted over with /dev/null) mounts, serves and unmounts a
 * {@code ManagedFuseStubFS}, and no libfuse is mapped into it.
 */
@ExtendWith(FuseTestExtension.class)
class ProtocolEngineWithoutLibfuseTest {

    private static final Path LIBFUSE = Path.of("/usr/lib/x86_64-linux-gnu/libfuse.so.2.9.9");

    @Test
    void aManagedFilesystemMountsAndServesWhereLibfuse2CannotBeLoaded(FuseTestExtension.Fixture fx) throws Exception {
        assumeThat(LIBFUSE).as("this machine's libfuse2").exists();
        Path dir = fx.dir("nolibfuse");
        String java = ProcessHandle.current().info().command().orElse("java");
        String script = "mount --bind /dev/null " + LIBFUSE + " && exec \"$0\" -cp \"$1\" "
                + NoLibfuseChild.class.getName() + " \"$2\"";
        Process child = new ProcessBuilder(List.of("unshare", "-m", "--propagation", "private", "sh", "-c", script,
                java, System.getProperty("java.class.path"), dir.toString()))
            .redirectErrorStream(true)
            .start();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output).contains("OWNER root", "LIBFUSE_MAPPED false");
        assertThat(Files.exists(LIBFUSE)).isTrue(); // the host's copy was never touched
    }

}
