// A MAP_SHARED mapping of a file, its address kept in this package.
package io.github.fusespringboot.test.conformance.natives;

import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/** A shared read-write mapping of the start of a file; {@link #close()} unmaps it. */
public final class SharedMapping implements AutoCloseable {

    static final int PROT_READ = 1;

    static final int PROT_WRITE = 2;

    static final int MAP_SHARED = 1;

    static final int MS_SYNC = 4;

    private final KitLibC libc;

    private final Runtime runtime;

    private final long length;

    private Pointer address;

    SharedMapping(KitLibC libc, Runtime runtime, Pointer address, long length) {
        this.libc = libc;
        this.runtime = runtime;
        this.address = address;
        this.length = length;
    }

    public void put(long offset, byte[] data) {
        this.address.put(offset, data, 0, data.length);
    }

    public byte[] get(long offset, int count) {
        byte[] data = new byte[count];
        this.address.get(offset, data, 0, count);
        return data;
    }

    /** {@code msync(MS_SYNC)} of the whole mapping. */
    public Outcome sync() {
        int result = this.libc.msync(this.address, this.length, MS_SYNC);
        return new Outcome(result, (result < 0) ? this.runtime.getLastError() : 0);
    }

    @Override
    public void close() {
        if (this.address != null) {
            this.libc.munmap(this.address, this.length);
            this.address = null;
        }
    }

}
