// Whether a directory has entries, read with getdents64 on a descriptor of its own: four system calls.
package io.github.fusespringboot.mount.natives;

import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The mount point's emptiness check without the JDK's directory stream (which opens, duplicates,
 * stats and flags the descriptor before reading it): {@code open(O_DIRECTORY | O_CLOEXEC)},
 * {@code getdents64} until an entry other than {@code .} and {@code ..} shows or the directory
 * ends, {@code close}. Where libc has no {@code getdents64} (before glibc 2.30, musl)
 * {@link #isAvailable()} is false and callers list the directory as before.
 */
public final class DirectoryEntries {

    // fcntl.h, x86_64 and aarch64 alike
    private static final int O_DIRECTORY = 0x10000;

    /** {@code struct linux_dirent64}: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name. */
    private static final int D_RECLEN = 16;

    private static final int D_NAME = 19;

    private static final int BUFFER = 4096;

    private static final Dents DENTS;

    private static final ThreadLocal<Pointer> BUFFERS = new ThreadLocal<>();

    static {
        Dents dents = null;
        if (Native.isAvailable()) {
            try {
                dents = LibraryLoader.create(Dents.class).option(LibraryOption.SaveError, true).failImmediately()
                    .load("c");
            }
            catch (Throwable ex) {
                // no getdents64 in this libc: the caller lists the directory itself
            }
        }
        DENTS = dents;
    }

    private DirectoryEntries() {
    }

    /** Whether {@link #hasEntries} can be asked here. */
    public static boolean isAvailable() {
        return DENTS != null;
    }

    /**
     * Whether the directory {@code path} (followed if a link) holds any entry besides {@code .} and
     * {@code ..}.
     * @throws NativeCallException naming the call and its errno when it cannot be opened or read
     * @throws IllegalStateException when {@link #isAvailable()} is false
     */
    public static boolean hasEntries(String path) {
        if (DENTS == null) {
            throw new IllegalStateException("getdents64 is not available");
        }
        int fd = Native.libc().open(path, Native.O_RDONLY | O_DIRECTORY | Native.O_CLOEXEC);
        if (fd < 0) {
            throw new NativeCallException("open(" + path + ")", Native.lastErrno());
        }
        try {
            Pointer buffer = buffer();
            while (true) {
                long read = DENTS.getdents64(fd, buffer, BUFFER);
                if (read < 0) {
                    throw new NativeCallException("getdents64(" + path + ")", Native.lastErrno());
                }
                if (read == 0) {
                    return false;
                }
                for (int at = 0; at < read; at += Short.toUnsignedInt(buffer.getShort(at + D_RECLEN))) {
                    if (!isDotOrDotDot(buffer, at + D_NAME)) {
                        return true;
                    }
                }
            }
        }
        finally {
            Native.close(fd);
        }
    }

    private static boolean isDotOrDotDot(Pointer buffer, int name) {
        return buffer.getByte(name) == '.'
                && (buffer.getByte(name + 1) == 0 || buffer.getByte(name + 1) == '.' && buffer.getByte(name + 2) == 0);
    }

    private static Pointer buffer() {
        Pointer buffer = BUFFERS.get();
        if (buffer == null) {
            buffer = Memory.allocateDirect(Native.runtime(), BUFFER, true);
            BUFFERS.set(buffer);
        }
        return buffer;
    }

    /**
     * glibc's {@code getdents64} (2.30 and later). Public only because jnr-ffi generates its
     * implementation in another class loader; not an API.
     */
    public interface Dents {

        @ssize_t
        long getdents64(int fd, Pointer buffer, @size_t long count);

    }

}
