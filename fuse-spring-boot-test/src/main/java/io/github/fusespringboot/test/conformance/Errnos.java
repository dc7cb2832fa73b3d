// The errno values the catalogue expects, and their names for failure messages.
package io.github.fusespringboot.test.conformance;

/** Linux errno numbers (asm-generic) the checks expect, and "ENOENT (No such file or directory)" names. */
final class Errnos {

    static final int EPERM = 1;

    static final int ENOENT = 2;

    static final int ENXIO = 6;

    static final int EBADF = 9;

    static final int EACCES = 13;

    static final int EEXIST = 17;

    static final int ENOTDIR = 20;

    static final int EISDIR = 21;

    static final int EINVAL = 22;

    static final int ERANGE = 34;

    static final int ENAMETOOLONG = 36;

    static final int ENOTEMPTY = 39;

    static final int ELOOP = 40;

    static final int ENODATA = 61;

    private Errnos() {
    }

    /** {@code "ENOENT (No such file or directory)"}, or {@code "errno 1234"} for a number libc does not name. */
    static String describe(int errno) {
        jnr.constants.platform.Errno known = jnr.constants.platform.Errno.valueOf(errno);
        if (known == null || !known.defined() || known.name().startsWith("__")) {
            return "errno " + errno;
        }
        return known.name() + " (" + known.description() + ")";
    }

    /** {@code "ENOENT"}, or the number when libc does not name it. */
    static String name(int errno) {
        jnr.constants.platform.Errno known = jnr.constants.platform.Errno.valueOf(errno);
        if (known == null || !known.defined() || known.name().startsWith("__")) {
            return Integer.toString(errno);
        }
        return known.name();
    }

}
