// The jnr pointer a filesystem gets for a READ's reply data or a WRITE's data: large fills go to libc's memset.
package io.github.fusespringboot.mount.natives;

import com.kenai.jffi.MemoryIO;
import jnr.ffi.Pointer;
import jnr.ffi.provider.AbstractMemoryIO;
import jnr.ffi.provider.ShareMemoryIO;

/**
 * A view of a bounds-checked slice of engine memory that passes every access on to it except fills
 * ({@code setMemory}), which it checks against its own bounds and does itself: from
 * {@link #LARGE_FILL} bytes on (a read that answers zeros for a hole, a sparse or a zero file) with
 * libc's {@code memset}, below that with jffi's. jnr's own {@code setMemory} ends in HotSpot's
 * {@code Unsafe.setMemory}, which stores 8 bytes at a time; glibc's {@code memset} uses the widest
 * stores the CPU has and clears 1 MiB in less than half the time (seed-bench {@code --scenario=fill}
 * prints both). Its slices are data pointers too: jnr's bounded slice checks a fill against its
 * offset in the parent rather than in itself, and so refuses fills near the end of any slice that
 * does not start at 0 (jnr-ffi 2.2.16).
 */
final class DataPointer extends ShareMemoryIO {

    /** Fills from this many bytes on go to {@code memset}. */
    static final long LARGE_FILL = 64 * 1024;

    private final long length;

    /** {@code bounded}: a slice of direct memory that checks its own bounds ({@link Pointer#slice(long, long)}). */
    DataPointer(Pointer bounded) {
        super(bounded, 0);
        this.length = bounded.size();
    }

    @Override
    public void setMemory(long offset, long size, byte value) {
        check(offset, size);
        if (size >= LARGE_FILL) {
            Native.libc().memset(address() + offset, value, size);
        }
        else {
            MemoryIO.getInstance().setMemory(address() + offset, size, value);
        }
    }

    @Override
    public AbstractMemoryIO slice(long offset, long size) {
        check(offset, size);
        return new DataPointer(getDelegatedMemoryIO().slice(offset, size));
    }

    private void check(long offset, long size) {
        if (offset < 0 || size < 0 || offset > this.length - size) {
            throw new IndexOutOfBoundsException("[" + offset + ", " + offset + " + " + size + ") is not within "
                    + this.length + " bytes");
        }
    }

}
