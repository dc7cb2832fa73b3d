package io.github.fusespringboot.mount.natives;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Page-aligned blocks: the byte asked for starts a page, and all of the block is usable. */
class NativeBufferTest {

    @Test
    void theByteAskedForStartsAPage() {
        for (int pageAt : new int[] { 0, 80, 4095 }) {
            for (int i = 0; i < 8; i++) { // several blocks: malloc's offset into the page varies
                NativeBuffer buffer = NativeBuffer.pageAligned(64 * 1024 + i * 24, pageAt);
                assertThat((buffer.address() + pageAt) % 4096).as("pageAt %d", pageAt).isZero();
                assertThat(buffer.size()).isEqualTo(64 * 1024 + i * 24);
                assertThat(buffer.pointer().address()).isEqualTo(buffer.address());
            }
        }
    }

    @Test
    void everyByteOfAnAlignedBlockIsItsOwn() {
        NativeBuffer buffer = NativeBuffer.pageAligned(10_000, 80);
        buffer.buffer().put(9_999, (byte) 7);
        buffer.clear(0, 9_999);
        assertThat(buffer.buffer().get(9_999)).isEqualTo((byte) 7);
        assertThat(buffer.pointer().getByte(9_999)).isEqualTo((byte) 7);
        assertThat(buffer.buffer().capacity()).isEqualTo(10_000);
    }

}
