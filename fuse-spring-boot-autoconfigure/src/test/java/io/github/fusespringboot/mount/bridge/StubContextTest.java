package io.github.fusespringboot.mount.bridge;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.github.fusespringboot.mount.ChildJvm;
import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.FuseTestExtension;
import io.github.fusespringboot.mount.MountSpec;
import io.github.fusespringboot.mount.TestStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;

import static org.assertj.core.api.Assertions.assertThat;

/** jnr-fuse's own {@code FuseStubFS.getContext()} is the caller's, though only libfuse2 would fill it in. */
@ExtendWith(FuseTestExtension.class)
class StubContextTest {

    /** Not root, so an empty context (uid 0) cannot pass for the caller's. */
    private static final long NOBODY = 65534;

    @Test
    void aFuseStubFSSeesTheCallersUidGidAndPid(FuseTestExtension.Fixture fx) throws Exception {
        ContextRecordingFs fs = new ContextRecordingFs();
        ChildJvm.openForUser(fx.root()); // nobody must reach the mount point
        Path dir = fx.dir("context");
        MountSpec spec = MountSpec.builder("context", dir, fs).options(List.of("allow_other")).build();
        try (FuseMount mount = fx.manager().mount(spec)) {
            // stat(1) as nobody: setpriv execs it, so the kernel's caller pid is the process's pid
            ChildJvm.Ran stat = ChildJvm.runAs(NOBODY, "stat", "-c", "%u:%g", dir.resolve("probe").toString());
            assertThat(stat.exit()).as(stat.output()).isZero();
            assertThat(stat.output()).isEqualTo(NOBODY + ":" + NOBODY); // getattr answered getContext()
            assertThat(fs.pid.get()).isEqualTo(stat.pid());
            assertThat(mount.callbackErrors()).isZero();
        }
    }

    /** Answers {@code /probe} as owned by whoever asks, and remembers the asking pid. */
    static final class ContextRecordingFs extends FuseStubFS {

        final AtomicLong pid = new AtomicLong();

        @Override
        public int getattr(String path, FileStat stat) {
            if (path.equals("/")) {
                return TestStats.directory(stat);
            }
            if (path.equals("/probe")) {
                stat.st_mode.set(FileStat.S_IFREG | 0644);
                stat.st_nlink.set(1);
                stat.st_uid.set(getContext().uid.get());
                stat.st_gid.set(getContext().gid.get());
                this.pid.set(getContext().pid.get());
                return 0;
            }
            return -ErrorCodes.ENOENT();
        }

    }

}
