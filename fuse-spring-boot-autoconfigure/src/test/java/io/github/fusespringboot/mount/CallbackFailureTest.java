package io.github.fusespringboot.mount;

import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import ru.serce.jnrfuse.examples.HelloFuse;
import ru.serce.jnrfuse.struct.FileStat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A filesystem callback that throws costs the caller one EIO, not the mount. */
@ExtendWith(FuseTestExtension.class)
class CallbackFailureTest {

    @ParameterizedTest(name = "multithreaded={0}")
    @ValueSource(booleans = { false, true })
    void getattrThrowingGivesTheCallerEioAndTheMountStaysUsable(boolean multithreaded, FuseTestExtension.Fixture fx)
            throws Exception {
        Path dir = fx.dir("throws");
        ThrowingGetattrFs filesystem = new ThrowingGetattrFs();
        FuseMount mount = fx.manager()
            .mount(MountSpec.builder("throws", dir, filesystem).multithreaded(multithreaded).build());
        try {
            for (int i = 0; i < 10; i++) {
                FileSystemException error = catchThrowableOfType(() -> Files.size(dir.resolve("boom")),
                        FileSystemException.class);
                assertThat(error).as("stat of the throwing path fails").isNotNull();
                assertThat(error.getReason()).isEqualTo("Input/output error");
                assertThat(error.getFile()).isEqualTo(dir.resolve("boom").toString());

                // another path still works, and so does the mount itself
                assertThat(Files.readString(dir.resolve("hello"))).isEqualTo("Hello World!");
                assertThat(Files.isDirectory(dir)).isTrue();
            }
            assertThat(filesystem.thrown.get()).isEqualTo(10);
            assertThat(mount.callbackErrors()).isEqualTo(10);
            assertThat(mount.state()).isEqualTo(MountState.MOUNTED);
            assertThat(mount.isServing()).isTrue();
        }
        finally {
            mount.unmount();
        }
        assertThat(mount.state()).isEqualTo(MountState.UNMOUNTED);
        assertThat(MountTable.read().find(dir)).isEmpty();
    }

    /** HelloFuse whose getattr throws for /boom. */
    static class ThrowingGetattrFs extends HelloFuse {

        final AtomicInteger thrown = new AtomicInteger();

        @Override
        public int getattr(String path, FileStat stat) {
            if (path.equals("/boom")) {
                this.thrown.incrementAndGet();
                throw new IllegalStateException("getattr broke on purpose");
            }
            return super.getattr(path, stat);
        }

    }

}
