package io.github.fusespringboot.mount.serve;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.github.fusespringboot.mount.bridge.Exchange;
import io.github.fusespringboot.mount.natives.Native;
import io.github.fusespringboot.mount.natives.SessionCallbacks;
import io.github.fusespringboot.mount.protocol.InHeader;
import io.github.fusespringboot.mount.protocol.InitFlags;
import io.github.fusespringboot.mount.protocol.Opcode;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import ru.serce.jnrfuse.FuseFS;
import ru.serce.jnrfuse.examples.HelloFuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Hand-made requests through a session on a real, unmounted {@code /dev/fuse} descriptor (its replies
 * go nowhere: the kernel refuses writes before a mount, which the session shrugs off). What the kernel
 * itself never sends: lying lengths, unterminated names, absurd counts, unknown opcodes.
 */
class ProtocolSessionTest {

    private ProtocolSession session;

    private ServingSession.Buffer buffer;

    private Exchange exchange;

    @BeforeEach
    void openSession() {
        this.session = ProtocolSession.create(Native.openFuseDevice("/dev/fuse"), List.of(), new HelloFuse(),
                new Callbacks(new HelloFuse()));
        this.buffer = this.session.buffer();
        this.exchange = ProtocolSession.exchangeOf(this.buffer);
    }

    @AfterEach
    void closeSession() {
        this.session.destroy();
    }

    private int request(int opcode, long nodeId, byte[] body) {
        ByteBuffer in = this.exchange.in();
        int length = InHeader.SIZE + body.length;
        InHeader.encode(in, length, opcode, 42, nodeId, 0, 0, 1);
        in.put(InHeader.SIZE, body);
        return length;
    }

    private void init(int major, int minor) {
        ByteBuffer body = ByteBuffer.allocate(64).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        body.putInt(0, major).putInt(4, minor).putInt(8, 131072)
            .putInt(12, (int) (InitFlags.ASYNC_READ | InitFlags.MAX_PAGES | InitFlags.INIT_EXT | InitFlags.BIG_WRITES));
        this.session.process(this.buffer, request(Opcode.INIT, 0, body.array()));
    }

    @Test
    void negotiatesOnlyAfterAnInitOfMajorSeven() {
        init(8, 0);
        assertThat(this.session.initialized()).as("a newer major waits for a second INIT").isFalse();
        init(6, 30);
        assertThat(this.session.initialized()).as("an older major is refused").isFalse();
        init(7, 45);
        assertThat(this.session.initialized()).isTrue();
        assertThat(this.session.negotiated().minor()).isEqualTo(38);
        assertThat(this.session.negotiated().maxWrite()).isEqualTo(1 << 20);
        assertThat(InitFlags.names(this.session.negotiated().flags())).containsExactlyInAnyOrder("ASYNC_READ",
                "BIG_WRITES", "MAX_PAGES", "INIT_EXT");
    }

    @Test
    void malformedRequestsAreAnsweredOrDroppedWithoutEndingTheSession() {
        init(7, 38);
        int length = request(Opcode.LOOKUP, 1, "no-terminator".getBytes(StandardCharsets.US_ASCII));
        assertThatNoException().isThrownBy(() -> this.session.process(this.buffer, length));
        assertThatNoException().isThrownBy(() -> this.session.process(this.buffer, length - 3)); // lying length
        assertThatNoException().isThrownBy(() -> this.session.process(this.buffer, 10)); // shorter than a header
        byte[] batch = new byte[8];
        ByteBuffer.wrap(batch).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0, Integer.MAX_VALUE);
        int forget = request(Opcode.BATCH_FORGET, 0, batch);
        assertThatNoException().isThrownBy(() -> this.session.process(this.buffer, forget));
        int write = request(Opcode.WRITE, 2, new byte[12]); // shorter than fuse_write_in
        assertThatNoException().isThrownBy(() -> this.session.process(this.buffer, write));
        // and it still serves: a well-formed LOOKUP reaches the filesystem
        int lookup = request(Opcode.LOOKUP, 1, "hello\0".getBytes(StandardCharsets.US_ASCII));
        this.session.process(this.buffer, lookup);
        assertThat(this.session.nodeCount()).isEqualTo(2);
    }

    @Test
    void unknownOpcodesAreAnsweredEnosysAndCounted() {
        init(7, 38);
        this.session.process(this.buffer, request(Opcode.LSEEK, 1, new byte[24]));
        this.session.process(this.buffer, request(9999, 1, new byte[0]));
        this.session.process(this.buffer, request(9999, 1, new byte[0]));
        assertThat(this.session.unimplementedAnswers(Opcode.LSEEK)).isEqualTo(1);
        assertThat(this.session.unimplementedAnswers(9999)).isZero(); // counted in the last slot
        assertThat(this.session.unimplementedAnswers(63)).isEqualTo(2);
    }

    /** The handle's side, reduced to calling the filesystem. */
    private record Callbacks(FuseFS filesystem) implements SessionCallbacks {

        @Override
        public int invoke(String operation, String path, Operation call) {
            return call.apply(this.filesystem);
        }

        @Override
        public void initFailed(Throwable error) {
        }

        @Override
        public void initResult(Pointer result) {
        }

        @Override
        public Pointer initResult() {
            return null;
        }

    }

}
