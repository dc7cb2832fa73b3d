// Reusable filesystem calls for the busiest opcodes, so serving them allocates no lambda per request.
package io.github.fusespringboot.mount.bridge;

import io.github.fusespringboot.mount.natives.SessionCallbacks;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.FuseFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * One per {@link Exchange} (one per serving thread): getattr, fgetattr, read and write as
 * {@link SessionCallbacks.Operation}s whose arguments are set before each call, instead of a
 * capturing lambda allocated per request (which a fresh JVM, still interpreting, pays in full). A
 * serving thread makes one filesystem call at a time, so each object is only ever in one call.
 */
final class HotCalls {

    final Getattr getattr = new Getattr();

    final Fgetattr fgetattr = new Fgetattr();

    final Read read = new Read();

    final Write write = new Write();

    /** {@code getattr(path, stat)}. */
    static final class Getattr implements SessionCallbacks.Operation {

        String path;

        FileStat stat;

        Getattr with(String path, FileStat stat) {
            this.path = path;
            this.stat = stat;
            return this;
        }

        @Override
        public int apply(FuseFS filesystem) {
            return filesystem.getattr(this.path, this.stat);
        }

    }

    /** {@code fgetattr(path, stat, fi)}. */
    static final class Fgetattr implements SessionCallbacks.Operation {

        String path;

        FileStat stat;

        FuseFileInfo fi;

        Fgetattr with(String path, FileStat stat, FuseFileInfo fi) {
            this.path = path;
            this.stat = stat;
            this.fi = fi;
            return this;
        }

        @Override
        public int apply(FuseFS filesystem) {
            return filesystem.fgetattr(this.path, this.stat, this.fi);
        }

    }

    /** {@code read(path, buffer, size, offset, fi)}. */
    static final class Read implements SessionCallbacks.Operation {

        String path;

        Pointer buffer;

        long size;

        long offset;

        FuseFileInfo fi;

        Read with(String path, Pointer buffer, long size, long offset, FuseFileInfo fi) {
            this.path = path;
            this.buffer = buffer;
            this.size = size;
            this.offset = offset;
            this.fi = fi;
            return this;
        }

        @Override
        public int apply(FuseFS filesystem) {
            return filesystem.read(this.path, this.buffer, this.size, this.offset, this.fi);
        }

    }

    /** {@code write(path, data, size, offset, fi)}. */
    static final class Write implements SessionCallbacks.Operation {

        String path;

        Pointer data;

        long size;

        long offset;

        FuseFileInfo fi;

        Write with(String path, Pointer data, long size, long offset, FuseFileInfo fi) {
            this.path = path;
            this.data = data;
            this.size = size;
            this.offset = offset;
            this.fi = fi;
            return this;
        }

        @Override
        public int apply(FuseFS filesystem) {
            return filesystem.write(this.path, this.data, this.size, this.offset, this.fi);
        }

    }

}
