package io.github.fusespringboot.mount.natives;

import jnr.ffi.Pointer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The data pointer fills small and large ranges exactly, within its bounds, like jnr's own. */
class DataPointerTest {

    private static final int SIZE = 1 << 20;

    private final NativeBuffer buffer = NativeBuffer.pageAligned(SIZE + 8192, 0);

    /** A data pointer 4,096 bytes into the block, with 4,096 bytes of guard on either side. */
    private final Pointer data = this.buffer.dataPointer(4096, SIZE);

    @Test
    void fillsExactlyTheRangeAskedForWhetherSmallOrLarge() {
        for (long length : new long[] { 1, 4095, DataPointer.LARGE_FILL - 1, DataPointer.LARGE_FILL, SIZE - 3 }) {
            this.buffer.buffer().clear();
            fill((byte) 0x5a);
            this.data.setMemory(3, length, (byte) 0);
            assertThat(this.data.getByte(2)).as("before, length %d", length).isEqualTo((byte) 0x5a);
            assertThat(this.data.getByte(3)).isZero();
            assertThat(this.data.getByte(2 + length)).isZero();
            assertThat(this.data.getByte(3 + length - 1)).isZero();
            if (3 + length < SIZE) {
                assertThat(this.data.getByte(3 + length)).as("after, length %d", length).isEqualTo((byte) 0x5a);
            }
        }
        assertThat(this.buffer.buffer().get(4095)).isEqualTo((byte) 0x5a); // the guard before the pointer
    }

    @Test
    void aFillBeyondTheBoundsFailsAndWritesNothing() {
        fill((byte) 1);
        assertThatExceptionOfType(IndexOutOfBoundsException.class)
            .isThrownBy(() -> this.data.setMemory(1, SIZE, (byte) 0));
        assertThatExceptionOfType(IndexOutOfBoundsException.class)
            .isThrownBy(() -> this.data.setMemory(-1, DataPointer.LARGE_FILL, (byte) 0));
        assertThatExceptionOfType(IndexOutOfBoundsException.class)
            .isThrownBy(() -> this.data.setMemory(SIZE - 10, 11, (byte) 0)); // a small one too
        assertThat(this.buffer.buffer().get(4096 + SIZE)).isEqualTo((byte) 1); // the guard after it
        assertThat(this.data.getByte(0)).isEqualTo((byte) 1);
        assertThat(this.data.getByte(SIZE - 1)).isEqualTo((byte) 1);
    }

    @Test
    void aSliceOfItFillsThroughItAndReadsTheSameBytes() {
        fill((byte) 9);
        Pointer slice = this.data.slice(8192, 256 * 1024);
        slice.setMemory(0, 256 * 1024, (byte) 0);
        assertThat(this.data.getByte(8191)).isEqualTo((byte) 9);
        assertThat(this.data.getByte(8192)).isZero();
        assertThat(this.data.getByte(8192 + 256 * 1024 - 1)).isZero();
        assertThat(this.data.getByte(8192 + 256 * 1024)).isEqualTo((byte) 9);
        assertThat(this.data.address()).isEqualTo(this.buffer.address() + 4096);
        assertThat(this.data.size()).isEqualTo(SIZE);
    }

    private void fill(byte value) {
        for (int i = 0; i < SIZE + 8192; i++) {
            this.buffer.buffer().put(i, value);
        }
    }

}
