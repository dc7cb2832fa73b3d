// errno numbers the engine branches on, and their symbolic names for messages.
package io.github.fusespringboot.mount.natives;

/**
 * Linux errno values (asm-generic/errno-base.h, errno.h) the engine reacts to, and a formatter that
 * gives "EPERM (Operation not permitted)" for any errno.
 */
public final class Errno {

    public static final int EPERM = 1;

    public static final int ENOENT = 2;

    public static final int EINTR = 4;

    public static final int EIO = 5;

    public static final int EBADF = 9;

    public static final int EAGAIN = 11;

    public static final int EACCES = 13;

    public static final int EBUSY = 16;

    public static final int ENODEV = 19;

    public static final int ENOTDIR = 20;

    public static final int EINVAL = 22;

    public static final int EROFS = 30;

    public static final int ERANGE = 34;

    public static final int ENOSYS = 38;

    public static final int ECONNABORTED = 103;

    public static final int ENOTCONN = 107;

    public static final int ETIMEDOUT = 110;

    private Errno() {
    }

    /**
     * The errno whose C-library description appears first in a tool's message (as in
     * {@code "fusermount3: failed to unmount /x: Device or resource busy"}), or 0 when none does.
     * Only meaningful for messages printed under the C locale.
     */
    public static int fromMessage(String text) {
        int found = 0;
        int foundAt = Integer.MAX_VALUE;
        for (jnr.constants.platform.Errno known : jnr.constants.platform.Errno.values()) {
            if (!known.defined() || known.description() == null || known.description().isEmpty()) {
                continue;
            }
            int at = text.indexOf(": " + known.description());
            if (at >= 0 && at < foundAt) {
                found = known.intValue();
                foundAt = at;
            }
        }
        return found;
    }

    /** The symbolic name, e.g. {@code EPERM}, or {@code errno N} when unknown. */
    public static String name(int errno) {
        jnr.constants.platform.Errno known = jnr.constants.platform.Errno.valueOf(errno);
        return (known != null && known.defined()) ? known.name() : "errno " + errno;
    }

    /** The name and the C library's description, e.g. {@code EPERM (Operation not permitted)}. */
    public static String describe(int errno) {
        jnr.constants.platform.Errno known = jnr.constants.platform.Errno.valueOf(errno);
        if (known == null || !known.defined()) {
            return "errno " + errno;
        }
        return known.name() + " (" + known.description() + ")";
    }

}
