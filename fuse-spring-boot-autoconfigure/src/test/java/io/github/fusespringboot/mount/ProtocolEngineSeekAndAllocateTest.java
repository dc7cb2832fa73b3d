package io.github.fusespringboot.mount;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import io.github.fusespringboot.mount.protocol.Opcode;
import io.github.fusespringboot.mount.serve.ProtocolSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.examples.MemoryFS;
import ru.serce.jnrfuse.struct.FuseFileInfo;

import static org.assertj.core.api.Assertions.assertThat;

/** LSEEK (ENOSYS once, the kernel's fallback after) and FALLOCATE (to the filesystem's fallocate). */
@ExtendWith(FuseTestExtension.class)
class ProtocolEngineSeekAndAllocateTest {

    @Test
    void seekDataAndHoleAreAnsweredEnosysOnceAndTheKernelFallsBack(FuseTestExtension.Fixture fx) throws Exception {
        MountSpec spec = MountSpec.builder("seek", fx.dir("seek"), new MemoryFS()).build();
        try (FuseMount mount = fx.manager().mount(spec)) {
            Path file = mount.mountPoint().resolve("data");
            Files.writeString(file, "0123456789");
            // the kernel's generic answer: all data, the only hole at the end
            assertThat(python("import os,sys\nfd = os.open(sys.argv[1], os.O_RDONLY)\n"
                    + "print(os.lseek(fd, 3, os.SEEK_DATA), os.lseek(fd, 0, os.SEEK_HOLE), os.lseek(fd, 4, os.SEEK_HOLE))",
                    file)).isEqualTo("3 10 10");
            assertThat(((ProtocolSession) mount.session()).unimplementedAnswers(Opcode.LSEEK)).isEqualTo(1);
        }
    }

    @Test
    void fallocateReachesTheFilesystemsFallocate(FuseTestExtension.Fixture fx) throws Exception {
        AllocatingFs fs = new AllocatingFs();
        MountSpec spec = MountSpec.builder("allocate", fx.dir("allocate"), fs).build();
        try (FuseMount mount = fx.manager().mount(spec)) {
            Path file = mount.mountPoint().resolve("space");
            Files.writeString(file, "x");
            assertThat(python("import os,sys\nfd = os.open(sys.argv[1], os.O_RDWR)\n"
                    + "os.posix_fallocate(fd, 4096, 8192)\nprint('ok')", file)).isEqualTo("ok");
            assertThat(fs.calls).containsExactly("/space mode 0 at 4096 length 8192");
        }
    }

    private static String python(String script, Path file) throws Exception {
        Process python = new ProcessBuilder("python3", "-c", script, file.toString()).redirectErrorStream(true).start();
        assertThat(python.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(python.exitValue()).as(out).isZero();
        return out;
    }

    /** MemoryFS with a fallocate that records its calls. */
    static final class AllocatingFs extends MemoryFS {

        final Queue<String> calls = new ConcurrentLinkedQueue<>();

        @Override
        public int fallocate(String path, int mode, long off, long length, FuseFileInfo fi) {
            this.calls.add(path + " mode " + mode + " at " + off + " length " + length);
            return 0;
        }

    }

}
