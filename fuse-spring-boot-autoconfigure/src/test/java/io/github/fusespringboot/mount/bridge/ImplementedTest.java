package io.github.fusespringboot.mount.bridge;

import io.github.fusespringboot.mount.ManagedFuseStubFS;
import org.junit.jupiter.api.Test;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FuseFileInfo;

import static org.assertj.core.api.Assertions.assertThat;

/** Which operations count as implemented, the ManagedFuseStubFS-only ones included. */
class ImplementedTest {

    @Test
    void renameWithoutFlagsLeavesRenameFlagsUnimplemented() {
        Implemented has = Implemented.by(PlainRename.class);
        assertThat(has.rename).isTrue();
        assertThat(has.renameFlags).isFalse();
        assertThat(has.lseek).isFalse();
        assertThat(has.copyFileRange).isFalse();
    }

    @Test
    void theManagedOnlyOperationsCountWhenOverridden() {
        Implemented has = Implemented.by(Everything.class);
        assertThat(has.rename).as("rename(a, b) is still ManagedFuseStubFS's stub").isFalse();
        assertThat(has.renameFlags).isTrue();
        assertThat(has.lseek).isTrue();
        assertThat(has.copyFileRange).isTrue();
    }

    @Test
    void aJnrFuseStubHasNoneOfThem() {
        Implemented has = Implemented.by(FuseStubFS.class);
        assertThat(has.renameFlags || has.lseek || has.copyFileRange).isFalse();
    }

    static class PlainRename extends ManagedFuseStubFS {

        @Override
        public int rename(String oldpath, String newpath) {
            return 0;
        }

    }

    static class Everything extends ManagedFuseStubFS {

        @Override
        public int rename(String oldpath, String newpath, int flags) {
            return 0;
        }

        @Override
        public long lseek(String path, long offset, int whence, FuseFileInfo fi) {
            return offset;
        }

        @Override
        public long copyFileRange(String pathIn, FuseFileInfo fiIn, long offsetIn, String pathOut, FuseFileInfo fiOut,
                long offsetOut, long size, int flags) {
            return 0;
        }

    }

}
