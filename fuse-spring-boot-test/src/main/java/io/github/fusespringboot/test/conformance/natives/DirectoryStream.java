// An open directory stream (opendir/readdir/telldir/seekdir), its DIR pointer kept in this package.
package io.github.fusespringboot.test.conformance.natives;

import jnr.ffi.Pointer;

/** A {@code DIR*} from {@code opendir(3)}; not thread-safe; {@link #close()} once. */
public final class DirectoryStream implements AutoCloseable {

    // struct dirent on Linux: d_ino (8), d_off (8), d_reclen (2), d_type (1), then d_name
    private static final int D_TYPE = 18;

    private static final int D_NAME = 19;

    private final KitLibC libc;

    private Pointer dir;

    DirectoryStream(KitLibC libc, Pointer dir) {
        this.libc = libc;
        this.dir = dir;
    }

    /** The next entry, or {@code null} at the end. */
    public Entry next() {
        Pointer entry = this.libc.readdir(this.dir);
        if (entry == null || entry.address() == 0) {
            return null;
        }
        return new Entry(entry.getString(D_NAME), Byte.toUnsignedInt(entry.getByte(D_TYPE)));
    }

    public long tell() {
        return this.libc.telldir(this.dir);
    }

    public void seek(long position) {
        this.libc.seekdir(this.dir, position);
    }

    @Override
    public void close() {
        if (this.dir != null) {
            this.libc.closedir(this.dir);
            this.dir = null;
        }
    }

    /** One directory entry: its name and {@code d_type} (0 when the filesystem does not say). */
    public record Entry(String name, int type) {
    }

}
