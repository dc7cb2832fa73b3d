// The request opcodes of the FUSE kernel protocol (enum fuse_opcode in linux/fuse.h).
package io.github.fusespringboot.mount.protocol;

/**
 * Opcodes of {@code fuse_in_header.opcode}. Plain {@code int} constants, so that dispatch is a
 * {@code switch} with no boxing or lookup on the request path.
 */
public final class Opcode {

    public static final int LOOKUP = 1;

    /** No reply. */
    public static final int FORGET = 2;

    public static final int GETATTR = 3;

    public static final int SETATTR = 4;

    public static final int READLINK = 5;

    public static final int SYMLINK = 6;

    public static final int MKNOD = 8;

    public static final int MKDIR = 9;

    public static final int UNLINK = 10;

    public static final int RMDIR = 11;

    public static final int RENAME = 12;

    public static final int LINK = 13;

    public static final int OPEN = 14;

    public static final int READ = 15;

    public static final int WRITE = 16;

    public static final int STATFS = 17;

    public static final int RELEASE = 18;

    public static final int FSYNC = 20;

    public static final int SETXATTR = 21;

    public static final int GETXATTR = 22;

    public static final int LISTXATTR = 23;

    public static final int REMOVEXATTR = 24;

    public static final int FLUSH = 25;

    public static final int INIT = 26;

    public static final int OPENDIR = 27;

    public static final int READDIR = 28;

    public static final int RELEASEDIR = 29;

    public static final int FSYNCDIR = 30;

    public static final int GETLK = 31;

    public static final int SETLK = 32;

    public static final int SETLKW = 33;

    public static final int ACCESS = 34;

    public static final int CREATE = 35;

    public static final int INTERRUPT = 36;

    public static final int BMAP = 37;

    public static final int DESTROY = 38;

    public static final int IOCTL = 39;

    public static final int POLL = 40;

    public static final int NOTIFY_REPLY = 41;

    /** No reply. */
    public static final int BATCH_FORGET = 42;

    public static final int FALLOCATE = 43;

    public static final int READDIRPLUS = 44;

    public static final int RENAME2 = 45;

    public static final int LSEEK = 46;

    public static final int COPY_FILE_RANGE = 47;

    public static final int SYNCFS = 50;

    public static final int TMPFILE = 51;

    private static final String[] NAMES = new String[52];

    static {
        String[] names = { null, "LOOKUP", "FORGET", "GETATTR", "SETATTR", "READLINK", "SYMLINK", null, "MKNOD",
                "MKDIR", "UNLINK", "RMDIR", "RENAME", "LINK", "OPEN", "READ", "WRITE", "STATFS", "RELEASE", null,
                "FSYNC", "SETXATTR", "GETXATTR", "LISTXATTR", "REMOVEXATTR", "FLUSH", "INIT", "OPENDIR", "READDIR",
                "RELEASEDIR", "FSYNCDIR", "GETLK", "SETLK", "SETLKW", "ACCESS", "CREATE", "INTERRUPT", "BMAP",
                "DESTROY", "IOCTL", "POLL", "NOTIFY_REPLY", "BATCH_FORGET", "FALLOCATE", "READDIRPLUS", "RENAME2",
                "LSEEK", "COPY_FILE_RANGE", "SETUPMAPPING", "REMOVEMAPPING", "SYNCFS", "TMPFILE" };
        System.arraycopy(names, 0, NAMES, 0, names.length);
    }

    private Opcode() {
    }

    /**
     * Whether {@code allow_root} lets any caller send this opcode: those that act on a file or
     * directory already opened, as libfuse's {@code fuse_ll_process_buf} lets them through (the open
     * itself was checked).
     */
    public static boolean isOpenToAnyCaller(int opcode) {
        return switch (opcode) {
            case INIT, READ, WRITE, FSYNC, RELEASE, READDIR, FSYNCDIR, RELEASEDIR, NOTIFY_REPLY, READDIRPLUS -> true;
            default -> false;
        };
    }

    /** Whether the kernel expects no reply to this opcode. */
    public static boolean isNoReply(int opcode) {
        return opcode == FORGET || opcode == BATCH_FORGET;
    }

    /** The opcode's name for logs ({@code OPCODE_<n>} for one this engine does not know). */
    public static String name(int opcode) {
        String name = (opcode >= 0 && opcode < NAMES.length) ? NAMES[opcode] : null;
        return (name != null) ? name : "OPCODE_" + opcode;
    }

}
