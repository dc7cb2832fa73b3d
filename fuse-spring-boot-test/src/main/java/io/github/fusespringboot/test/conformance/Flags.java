// Symbolic names for the open(2), renameat2(2), xattr and mode arguments the checks pass, for messages.
package io.github.fusespringboot.test.conformance;

import java.util.ArrayList;
import java.util.List;

/** Constants of fcntl.h, stdio.h, xattr.h and sys/stat.h (x86_64 and aarch64 alike), and their names. */
final class Flags {

    static final int O_RDONLY = 0;

    static final int O_WRONLY = 1;

    static final int O_RDWR = 2;

    static final int O_CREAT = 0100;

    static final int O_EXCL = 0200;

    static final int O_TRUNC = 01000;

    static final int O_APPEND = 02000;

    static final int O_NONBLOCK = 04000;

    static final int O_DIRECTORY = 0200000;

    static final int O_NOFOLLOW = 0400000;

    static final int O_CLOEXEC = 02000000;

    static final int O_PATH = 010000000;

    static final int SEEK_SET = 0;

    static final int SEEK_CUR = 1;

    static final int SEEK_END = 2;

    static final int SEEK_DATA = 3;

    static final int SEEK_HOLE = 4;

    static final int RENAME_NOREPLACE = 1;

    static final int RENAME_EXCHANGE = 2;

    static final int XATTR_CREATE = 1;

    static final int XATTR_REPLACE = 2;

    static final long UTIME_NOW = (1L << 30) - 1;

    static final long UTIME_OMIT = (1L << 30) - 2;

    static final int AT_SYMLINK_NOFOLLOW = 0x100;

    static final int CLONE_FS = 0x200;

    private static final int[] OPEN_BITS = { O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_NONBLOCK, O_DIRECTORY, O_NOFOLLOW,
            O_CLOEXEC, O_PATH };

    private static final String[] OPEN_NAMES = { "O_CREAT", "O_EXCL", "O_TRUNC", "O_APPEND", "O_NONBLOCK",
            "O_DIRECTORY", "O_NOFOLLOW", "O_CLOEXEC", "O_PATH" };

    private Flags() {
    }

    /** {@code "O_RDWR|O_CREAT|O_EXCL"}. */
    static String open(int flags) {
        List<String> names = new ArrayList<>();
        names.add(accessMode(flags));
        int rest = flags & ~3;
        for (int i = 0; i < OPEN_BITS.length; i++) {
            if ((rest & OPEN_BITS[i]) != 0) {
                names.add(OPEN_NAMES[i]);
                rest &= ~OPEN_BITS[i];
            }
        }
        if (rest != 0) {
            names.add("0" + Integer.toOctalString(rest));
        }
        return String.join("|", names);
    }

    static String accessMode(int flags) {
        return switch (flags & 3) {
            case O_RDONLY -> "O_RDONLY";
            case O_WRONLY -> "O_WRONLY";
            case O_RDWR -> "O_RDWR";
            default -> "O_ACCMODE";
        };
    }

    /** A mode in octal, as C writes it: {@code "0644"}. */
    static String mode(int mode) {
        return String.format("0%o", mode);
    }

    static String whence(int whence) {
        return switch (whence) {
            case SEEK_SET -> "SEEK_SET";
            case SEEK_CUR -> "SEEK_CUR";
            case SEEK_END -> "SEEK_END";
            case SEEK_DATA -> "SEEK_DATA";
            case SEEK_HOLE -> "SEEK_HOLE";
            default -> Integer.toString(whence);
        };
    }

    static String rename(int flags) {
        return switch (flags) {
            case 0 -> "0";
            case RENAME_NOREPLACE -> "RENAME_NOREPLACE";
            case RENAME_EXCHANGE -> "RENAME_EXCHANGE";
            default -> Integer.toString(flags);
        };
    }

    static String xattr(int flags) {
        return switch (flags) {
            case 0 -> "0";
            case XATTR_CREATE -> "XATTR_CREATE";
            case XATTR_REPLACE -> "XATTR_REPLACE";
            default -> Integer.toString(flags);
        };
    }

    /** A {@code struct timespec} nanoseconds field: UTIME_NOW and UTIME_OMIT by name. */
    static String nanos(long nanos) {
        if (nanos == UTIME_NOW) {
            return "UTIME_NOW";
        }
        if (nanos == UTIME_OMIT) {
            return "UTIME_OMIT";
        }
        return Long.toString(nanos);
    }

}
