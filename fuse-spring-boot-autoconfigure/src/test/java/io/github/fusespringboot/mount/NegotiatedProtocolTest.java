package io.github.fusespringboot.mount;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.examples.HelloFuse;
import ru.serce.jnrfuse.examples.MemoryFS;

import static org.assertj.core.api.Assertions.assertThat;

/** The mount handle shows what the engine agreed with the kernel in FUSE_INIT. */
@ExtendWith(FuseTestExtension.class)
class NegotiatedProtocolTest {

    @Test
    void theEngineNegotiatesProtocol738WithOneMebibyteRequestsAndItsFlags(FuseTestExtension.Fixture fx)
            throws Exception {
        Path dir = fx.dir("protocol");
        MountSpec spec = MountSpec.builder("protocol", dir, new MemoryFS()).build();
        try (FuseMount mount = fx.manager().mount(spec)) {
            NegotiatedProtocol negotiated = mount.negotiated().orElseThrow();
            assertThat(negotiated.version()).isEqualTo("7.38");
            assertThat(negotiated.maxWrite()).isEqualTo(1 << 20);
            assertThat(negotiated.maxPages()).isEqualTo(256);
            assertThat(negotiated.timeGran()).isEqualTo(1);
            assertThat(negotiated.maxReadahead()).isPositive();
            assertThat(negotiated.flags()).contains("ASYNC_READ", "BIG_WRITES", "MAX_PAGES", "PARALLEL_DIROPS",
                    "ABORT_ERROR", "INIT_EXT", "ATOMIC_O_TRUNC");
            assertThat(negotiated.enabled("WRITEBACK_CACHE")).isFalse();
        }
    }

    @Test
    void syncReadLeavesAsyncReadOff(FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("sync");
        MountSpec spec = MountSpec.builder("sync", dir, new HelloFuse())
            .options(List.of("sync_read", "max_write=131072"))
            .build();
        try (FuseMount mount = fx.manager().mount(spec)) {
            NegotiatedProtocol negotiated = mount.negotiated().orElseThrow();
            assertThat(negotiated.flags()).doesNotContain("ASYNC_READ", "ATOMIC_O_TRUNC");
            assertThat(negotiated.maxWrite()).isEqualTo(128 << 10);
            assertThat(negotiated.maxPages()).isEqualTo(32);
        }
    }

}
