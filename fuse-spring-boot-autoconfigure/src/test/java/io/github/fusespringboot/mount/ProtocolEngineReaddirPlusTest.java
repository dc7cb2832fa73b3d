package io.github.fusespringboot.mount;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.github.fusespringboot.mount.serve.ProtocolSession;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;

import static org.assertj.core.api.Assertions.assertThat;

/** READDIRPLUS over listings that take many replies, filled whole or by offset. */
@ExtendWith(FuseTestExtension.class)
class ProtocolEngineReaddirPlusTest {

    private static final int ENTRIES = 700;

    @Test
    void aLargeDirectoryFilledAtOnceIsListedWholeAndEachEntryLookedUpOnce(FuseTestExtension.Fixture fx)
            throws Exception {
        listsEveryEntry(fx, new ManyFs(false));
    }

    @Test
    void aLargeDirectoryFilledByOffsetIsListedWholeAndEachEntryLookedUpOnce(FuseTestExtension.Fixture fx)
            throws Exception {
        listsEveryEntry(fx, new ManyFs(true));
    }

    private static void listsEveryEntry(FuseTestExtension.Fixture fx, ManyFs fs) throws Exception {
        MountSpec spec = MountSpec.builder("many", fx.dir("many"), fs)
            .options(List.of("readdirplus=yes"))
            .build();
        try (FuseMount mount = fx.manager().mount(spec)) {
            List<String> names;
            try (Stream<Path> entries = Files.list(mount.mountPoint())) {
                names = entries.map((p) -> p.getFileName().toString()).sorted().toList();
            }
            assertThat(names).isEqualTo(IntStream.range(0, ENTRIES).mapToObj(ManyFs::name).toList());
            assertThat(((ProtocolSession) mount.session()).nodeCount()).isEqualTo(ENTRIES + 1);
            assertThat(mount.callbackErrors()).isZero();
        }
    }

    /** A root of ENTRIES regular files with long names, filled at once or by offset. */
    static final class ManyFs extends ManagedFuseStubFS {

        private final boolean byOffset;

        ManyFs(boolean byOffset) {
            this.byOffset = byOffset;
        }

        static String name(int i) {
            return String.format("entry-with-a-rather-long-name-%04d", i);
        }

        @Override
        public int getattr(String path, FileStat stat) {
            if (path.equals("/")) {
                return TestStats.directory(stat);
            }
            if (path.startsWith("/entry-")) {
                return TestStats.file(stat, 0644);
            }
            return -ErrorCodes.ENOENT();
        }

        @Override
        public int readdir(String path, Pointer buf, FuseFillDir filler, long offset, FuseFileInfo fi) {
            if (!this.byOffset) {
                filler.apply(buf, ".", null, 0);
                filler.apply(buf, "..", null, 0);
                for (int i = 0; i < ENTRIES; i++) {
                    filler.apply(buf, name(i), null, 0);
                }
                return 0;
            }
            for (long i = offset; i < ENTRIES; i++) {
                if (filler.apply(buf, name((int) i), null, i + 1) != 0) {
                    break;
                }
            }
            return 0;
        }

    }

}
