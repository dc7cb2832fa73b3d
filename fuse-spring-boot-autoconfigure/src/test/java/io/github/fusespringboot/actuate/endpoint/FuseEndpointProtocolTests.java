package io.github.fusespringboot.actuate.endpoint;

import java.nio.file.Path;

import io.github.fusespringboot.actuate.endpoint.FuseEndpoint.MountDescriptor;
import io.github.fusespringboot.actuate.endpoint.FuseEndpoint.ProtocolDescriptor;
import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.FuseTestExtension;
import io.github.fusespringboot.mount.MountSpec;
import io.github.fusespringboot.mount.SessionEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.examples.HelloFuse;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code fuse} endpoint shows what each mount's session negotiated with the kernel. */
@ExtendWith(FuseTestExtension.class)
class FuseEndpointProtocolTests {

    @Test
    void aMountServedByTheProtocolEngineShowsProtocol738AndItsFlags(FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("protocol");
        MountSpec spec = MountSpec.builder("protocol", dir, new HelloFuse()).engine(SessionEngine.PROTOCOL).build();
        try (FuseMount mount = fx.manager().mount(spec)) {
            MountDescriptor described = new FuseEndpoint(null, fx.manager()).mount("protocol");
            ProtocolDescriptor protocol = described.protocol();
            assertThat(protocol).isNotNull();
            assertThat(protocol.engine()).isEqualTo("PROTOCOL");
            assertThat(protocol.version()).isEqualTo("7.38");
            assertThat(protocol.maxWrite()).isEqualTo(1 << 20);
            assertThat(protocol.maxPages()).isEqualTo(256);
            assertThat(protocol.maxReadahead()).isPositive();
            assertThat(protocol.flags()).contains("MAX_PAGES", "PARALLEL_DIROPS", "INIT_EXT");
        }
    }

    @Test
    void aMountServedByLibfuse2ShowsProtocol719(FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("libfuse");
        MountSpec spec = MountSpec.builder("libfuse", dir, new HelloFuse()).engine(SessionEngine.LIBFUSE).build();
        try (FuseMount mount = fx.manager().mount(spec)) {
            ProtocolDescriptor protocol = new FuseEndpoint(null, fx.manager()).mount("libfuse").protocol();
            assertThat(protocol).isNotNull();
            assertThat(protocol.engine()).isEqualTo("LIBFUSE");
            assertThat(protocol.version()).isEqualTo("7.19");
            assertThat(protocol.maxPages()).isZero();
        }
    }

}
