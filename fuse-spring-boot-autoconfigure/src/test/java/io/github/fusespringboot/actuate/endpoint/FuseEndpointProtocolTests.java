package io.github.fusespringboot.actuate.endpoint;

import java.nio.file.Path;

import io.github.fusespringboot.actuate.endpoint.FuseEndpoint.MountDescriptor;
import io.github.fusespringboot.actuate.endpoint.FuseEndpoint.ProtocolDescriptor;
import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.FuseTestExtension;
import io.github.fusespringboot.mount.MountSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.examples.HelloFuse;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code fuse} endpoint shows what each mount's session negotiated with the kernel. */
@ExtendWith(FuseTestExtension.class)
class FuseEndpointProtocolTests {

    @Test
    void aMountShowsProtocol738AndItsFlags(FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("protocol");
        MountSpec spec = MountSpec.builder("protocol", dir, new HelloFuse()).build();
        try (FuseMount mount = fx.manager().mount(spec)) {
            MountDescriptor described = new FuseEndpoint(null, fx.manager()).mount("protocol");
            ProtocolDescriptor protocol = described.protocol();
            assertThat(protocol).isNotNull();
            assertThat(protocol.version()).isEqualTo("7.38");
            assertThat(protocol.maxWrite()).isEqualTo(1 << 20);
            assertThat(protocol.maxPages()).isEqualTo(256);
            assertThat(protocol.maxReadahead()).isPositive();
            assertThat(protocol.flags()).contains("MAX_PAGES", "PARALLEL_DIROPS", "INIT_EXT");
        }
    }

}
