// A utimens marked @AcceptsUtimeNowAndOmit gets one time alone; an unmarked one does not (libfuse's default).
package io.github.fusespringboot.mount;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.Timespec;

import static org.assertj.core.api.Assertions.assertThat;

/** Real mounts: what the engine passes to utimens with and without {@link AcceptsUtimeNowAndOmit}. */
@ExtendWith(FuseTestExtension.class)
class AcceptsUtimeNowAndOmitTest {

    private static final long UTIME_NOW = (1L << 30) - 1;

    private static final long UTIME_OMIT = (1L << 30) - 2;

    /** One file, {@code /f}; remembers the nanoseconds fields of every utimens. */
    static class TimesRecorder extends ManagedFuseStubFS {

        final List<long[]> calls = new CopyOnWriteArrayList<>();

        @Override
        public int getattr(String path, FileStat stat) {
            if (path.equals("/")) {
                stat.st_mode.set(FileStat.S_IFDIR | 0755);
                return 0;
            }
            if (path.equals("/f")) {
                stat.st_mode.set(FileStat.S_IFREG | 0644);
                return 0;
            }
            return -ErrorCodes.ENOENT();
        }

        @Override
        public int utimens(String path, Timespec[] timespec) {
            this.calls.add(new long[] { timespec[0].tv_nsec.longValue(), timespec[1].tv_nsec.longValue() });
            return 0;
        }

    }

    static class OmitAwareRecorder extends TimesRecorder {

        @AcceptsUtimeNowAndOmit
        @Override
        public int utimens(String path, Timespec[] timespec) {
            return super.utimens(path, timespec);
        }

    }

    @Test
    void aMarkedUtimensGetsOneTimeAloneWithTheOtherOmitted(FuseTestExtension.Fixture fx) throws Exception {
        OmitAwareRecorder fs = new OmitAwareRecorder();
        try (FuseMount mount = fx.manager()
            .mount(MountSpec.builder("omit", fx.path("mnt"), fs).createMountPoint(true).build())) {
            touch("-a", mount.mountPoint().resolve("f"));
        }
        assertThat(fs.calls).hasSize(1);
        assertThat(fs.calls.get(0)).containsExactly(UTIME_NOW, UTIME_OMIT);
    }

    @Test
    void anUnmarkedUtimensIsNotCalledForOneTimeAlone(FuseTestExtension.Fixture fx) throws Exception {
        TimesRecorder fs = new TimesRecorder();
        try (FuseMount mount = fx.manager()
            .mount(MountSpec.builder("plain", fx.path("mnt"), fs).createMountPoint(true).build())) {
            touch("-a", mount.mountPoint().resolve("f"));
            assertThat(fs.calls).isEmpty();
            touch("-d", mount.mountPoint().resolve("f")); // both times: called with explicit values
        }
        assertThat(fs.calls).hasSize(1);
        assertThat(fs.calls.get(0)[0]).isNotIn(UTIME_NOW, UTIME_OMIT);
    }

    private static void touch(String option, Path file) throws Exception {
        List<String> command = option.equals("-d") ? List.of("touch", "-d", "@1000000000", file.toString())
                : List.of("touch", option, file.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(new String(process.getInputStream().readAllBytes())).isZero();
    }

}
