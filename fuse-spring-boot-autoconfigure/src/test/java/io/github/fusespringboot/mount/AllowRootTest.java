package io.github.fusespringboot.mount;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.struct.FileStat;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code allow_root}: the kernel lets every user in (allow_other), the engine serves only the owner and root. */
@ExtendWith(FuseTestExtension.class)
class AllowRootTest {

    private static final long NOBODY = 65534;

    @Test
    void anotherUserIsRefusedWhileTheOwnerIsServed(FuseTestExtension.Fixture fx) throws Exception {
        ProbeFs fs = new ProbeFs();
        ChildJvm.openForUser(fx.root()); // nobody must reach the mount point
        Path dir = fx.dir("allow-root");
        MountSpec spec = MountSpec.builder("allow-root", dir, fs).options(List.of("allow_root", "attr_timeout=0",
                "entry_timeout=0")).build();
        try (FuseMount mount = fx.manager().mount(spec)) {
            assertThat(statAsNobody(dir.resolve("probe"))).contains("Permission denied");
            assertThat(fs.getattrs.get()).isZero(); // refused before the filesystem was asked
            assertThat(Files.size(dir.resolve("probe"))).isEqualTo(3); // root (the owner here) is served
            assertThat(fs.getattrs.get()).isPositive();
        }
    }

    @Test
    void withAllowOtherTheSameUserIsServed(FuseTestExtension.Fixture fx) throws Exception {
        ProbeFs fs = new ProbeFs();
        ChildJvm.openForUser(fx.root());
        Path dir = fx.dir("allow-other");
        MountSpec spec = MountSpec.builder("allow-other", dir, fs).options(List.of("allow_other")).build();
        try (FuseMount mount = fx.manager().mount(spec)) {
            assertThat(statAsNobody(dir.resolve("probe"))).isEqualTo("3");
        }
    }

    private static String statAsNobody(Path file) throws Exception {
        return ChildJvm.runAs(NOBODY, "stat", "-c", "%s", file.toString()).output();
    }

    /** A root directory with one file of three bytes, counting getattr calls. */
    static final class ProbeFs extends ManagedFuseStubFS {

        final AtomicInteger getattrs = new AtomicInteger();

        @Override
        public int getattr(String path, FileStat stat) {
            if (path.equals("/")) {
                return TestStats.directory(stat);
            }
            if (path.equals("/probe")) {
                this.getattrs.incrementAndGet();
                stat.st_mode.set(FileStat.S_IFREG | 0644);
                stat.st_nlink.set(1);
                stat.st_size.set(3);
                return 0;
            }
            return -ErrorCodes.ENOENT();
        }

    }

}
