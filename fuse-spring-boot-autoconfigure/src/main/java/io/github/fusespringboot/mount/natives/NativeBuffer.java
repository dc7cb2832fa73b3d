// Direct memory seen two ways: a little-endian ByteBuffer for the codec, a jnr Pointer for the filesystem.
package io.github.fusespringboot.mount.natives;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import com.kenai.jffi.MemoryIO;
import jnr.ffi.Pointer;

/**
 * One block of direct memory, freed by the garbage collector with its {@link ByteBuffer}. The
 * protocol codec reads and writes it through {@link #buffer()}; jnr-fuse callbacks get
 * {@link #pointer(int, int)} slices of the same bytes, so a READ's data is written by the
 * filesystem straight into the reply and a WRITE's data is read straight from the request.
 */
public final class NativeBuffer {

    private final ByteBuffer buffer;

    private final long address;

    private final Pointer pointer;

    public NativeBuffer(int size) {
        this(ByteBuffer.allocateDirect(size));
    }

    private NativeBuffer(ByteBuffer memory) {
        this.buffer = memory.order(ByteOrder.LITTLE_ENDIAN);
        this.address = MemoryIO.getInstance().getDirectBufferAddress(this.buffer);
        this.pointer = Pointer.wrap(Native.runtime(), this.address, memory.capacity());
    }

    /**
     * A block of {@code size} bytes whose byte at {@code pageAt} starts a page: the kernel copies a
     * request's or a reply's data between whole pages then, one chunk per page (a block from
     * {@code malloc} starts 16 bytes into a page, so every page of data would be two chunks, and its
     * pinning one more page).
     */
    public static NativeBuffer pageAligned(int size, int pageAt) {
        ByteBuffer raw = ByteBuffer.allocateDirect(size + PAGE);
        long address = MemoryIO.getInstance().getDirectBufferAddress(raw);
        long start = ((address + pageAt + PAGE - 1) & -PAGE) - pageAt;
        if (start < address) {
            start += PAGE;
        }
        int skip = (int) (start - address);
        return new NativeBuffer(raw.slice(skip, size));
    }

    private static final int PAGE = 4096;

    /** The bytes, little-endian; use absolute get/put only (the position is not meaningful). */
    public ByteBuffer buffer() {
        return this.buffer;
    }

    /** How many bytes the block holds. */
    public int size() {
        return this.buffer.capacity();
    }

    /** The whole block as a jnr pointer. */
    public Pointer pointer() {
        return this.pointer;
    }

    /** {@code size} bytes at {@code offset} as a jnr pointer (bounds-checked by jnr). */
    public Pointer pointer(int offset, int size) {
        return this.pointer.slice(offset, size);
    }

    /**
     * {@code size} bytes at {@code offset} for a filesystem's data (a READ's reply, a WRITE's request):
     * bounds-checked like {@link #pointer(int, int)}, and large fills go to libc's {@code memset}.
     */
    public Pointer dataPointer(int offset, int size) {
        return new DataPointer(pointer(offset, size));
    }

    long address() {
        return this.address;
    }

    /** Zeroes {@code [offset, offset + length)}. */
    public void clear(int offset, int length) {
        this.pointer.setMemory(offset, length, (byte) 0);
    }

}
