package io.github.fusespringboot.mount;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;

import jnr.ffi.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

@ExtendWith(FuseTestExtension.class)
class ManagedFuseStubFSTest {

    @Test
    void servesLikeFuseStubFSAndSeesTheCallersContext(FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("managed");
        try (FuseMount mount = fx.manager().mount(MountSpec.builder("managed", dir, new OwnerFs()).build())) {
            PosixFileAttributes file = Files.readAttributes(dir.resolve("whoami"), PosixFileAttributes.class);
            assertThat(file.isRegularFile()).isTrue();
            assertThat(file.owner().getName()).isEqualTo("root"); // the caller's uid, from getContext()
            assertThat(Files.readString(dir.resolve("whoami"))).isEmpty();
            assertThatExceptionOfType(java.nio.file.FileSystemException.class)
                .isThrownBy(() -> Files.writeString(dir.resolve("whoami"), "x"))
                .withMessageContaining("Function not implemented"); // truncate/write stay stubs
        }
    }

    @Test
    void constructingOneLoadsNoClasses() {
        new OwnerFs(); // the class itself
        long before = ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
        for (int i = 0; i < 1000; i++) {
            new OwnerFs();
        }
        assertThat(ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount() - before).isLessThan(5);
    }

    @Test
    void jnrFuseMountIsRefusedWithAPointerToTheManager() {
        assertThatExceptionOfType(UnsupportedOperationException.class)
            .isThrownBy(() -> new OwnerFs().mount(Path.of("/tmp/x")))
            .withMessageContaining("MountManager");
    }

    /** One file, owned by whoever asks. */
    static final class OwnerFs extends ManagedFuseStubFS {

        @Override
        public int getattr(String path, FileStat stat) {
            if (path.equals("/")) {
                stat.st_mode.set(FileStat.S_IFDIR | 0755);
                stat.st_nlink.set(2);
                return 0;
            }
            if (path.equals("/whoami")) {
                stat.st_mode.set(FileStat.S_IFREG | 0644);
                stat.st_nlink.set(1);
                stat.st_uid.set(getContext().uid.get());
                return 0;
            }
            return -ErrorCodes.ENOENT();
        }

        @Override
        public int readdir(String path, Pointer buf, FuseFillDir filler, long offset, FuseFileInfo fi) {
            filler.apply(buf, "whoami", null, 0);
            return 0;
        }

        @Override
        public int open(String path, FuseFileInfo fi) {
            return 0;
        }

    }

}
