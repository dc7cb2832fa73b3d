// GETLK/SETLK/SETLKW: POSIX record locks and flock(2) locks, for filesystems that implement lock or flock.
package io.github.fusespringboot.mount.bridge;

import io.github.fusespringboot.mount.natives.Errno;
import io.github.fusespringboot.mount.protocol.Replies;
import io.github.fusespringboot.mount.protocol.Requests;
import ru.serce.jnrfuse.struct.Flock;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * The lock half of the bridge, as libfuse does it: a POSIX lock becomes the filesystem's
 * {@code lock(path, fi, F_GETLK|F_SETLK|F_SETLKW, struct flock)} with {@code fi->lock_owner} set; a
 * flock(2) lock (FUSE_LK_FLOCK) becomes {@code flock(path, fi, LOCK_SH|LOCK_EX|LOCK_UN [| LOCK_NB])}.
 * The kernel only sends these when INIT enabled POSIX_LOCKS / FLOCK_LOCKS, which the engine asks for
 * only when the filesystem implements {@code lock} / {@code flock} (otherwise the kernel keeps the
 * locks itself, local to this host, as with libfuse).
 */
final class LockOperations {

    // x86_64 fcntl commands (64-bit off_t) and the flock(2) operations
    static final int F_GETLK = 5;

    static final int F_SETLK = 6;

    static final int F_SETLKW = 7;

    static final int F_UNLCK = 2;

    static final int LOCK_SH = 1;

    static final int LOCK_EX = 2;

    static final int LOCK_NB = 4;

    static final int LOCK_UN = 8;

    private static final int F_RDLCK = 0;

    private static final int F_WRLCK = 1;

    private static final long OFFSET_MAX = Long.MAX_VALUE;

    private final FilesystemBridge bridge;

    LockOperations(FilesystemBridge bridge) {
        this.bridge = bridge;
    }

    int getlk(Exchange ex, long node) {
        Requests.Lk request = Requests.Lk.decode(ex.body);
        String path = this.bridge.nodes.pathOrLast(node);
        if (path == null) {
            return -Errno.ENOENT;
        }
        if (!this.bridge.implemented.lock) {
            return -Errno.ENOSYS;
        }
        FuseFileInfo fi = ex.fileInfo(0, request.fh());
        fi.lock_owner.set(request.owner());
        Flock lock = toFlock(ex, request);
        int result = this.bridge.call("lock", path, (fs) -> fs.lock(path, fi, F_GETLK, lock));
        if (result != 0) {
            return (result > 0) ? -Errno.EIO : result;
        }
        int type = lock.l_type.intValue();
        long start = 0;
        long end = 0;
        if (type != F_UNLCK) {
            start = lock.l_start.longValue();
            long length = lock.l_len.longValue();
            end = (length == 0) ? OFFSET_MAX : start + length - 1;
        }
        return Replies.lk(ex.out(), 0, start, end, type, lock.l_pid.intValue());
    }

    /** SETLK ({@code sleep} false) and SETLKW. */
    int setlk(Exchange ex, long node, boolean sleep) {
        Requests.Lk request = Requests.Lk.decode(ex.body);
        String path = this.bridge.nodes.pathOrLast(node);
        if (path == null) {
            return -Errno.ENOENT;
        }
        FuseFileInfo fi = ex.fileInfo(0, request.fh());
        fi.lock_owner.set(request.owner());
        if ((request.lkFlags() & Requests.Lk.FLOCK) != 0) {
            if (!this.bridge.implemented.flock) {
                return -Errno.ENOSYS;
            }
            int operation = switch (request.type()) {
                case F_RDLCK -> LOCK_SH;
                case F_WRLCK -> LOCK_EX;
                case F_UNLCK -> LOCK_UN;
                default -> -1;
            };
            if (operation < 0) {
                return -Errno.EINVAL;
            }
            int op = sleep ? operation : operation | LOCK_NB;
            return this.bridge.call("flock", path, (fs) -> fs.flock(path, fi, op));
        }
        if (!this.bridge.implemented.lock) {
            return -Errno.ENOSYS;
        }
        Flock lock = toFlock(ex, request);
        int command = sleep ? F_SETLKW : F_SETLK;
        return this.bridge.call("lock", path, (fs) -> fs.lock(path, fi, command, lock));
    }

    /**
     * At FLUSH (a close): drop the owner's POSIX locks, as lib/fuse.c does, since the kernel leaves
     * unlock-on-close to the filesystem. Returns the lock call's result, or ENOSYS without {@code lock}.
     */
    int unlockOwner(Exchange ex, String path, long fh, long owner) {
        if (!this.bridge.implemented.lock || path == null) {
            return -Errno.ENOSYS;
        }
        FuseFileInfo fi = ex.fileInfo(0, fh);
        fi.lock_owner.set(owner);
        Flock lock = ex.clearedFlock();
        lock.l_type.set(F_UNLCK);
        return this.bridge.call("lock", path, (fs) -> fs.lock(path, fi, F_SETLK, lock));
    }

    /** At RELEASE with FUSE_RELEASE_FLOCK_UNLOCK: the file's flock(2) lock goes (lib/fuse.c's flock_release). */
    void releaseFlock(Exchange ex, String path, long fh, long owner) {
        if (!this.bridge.implemented.flock || path == null) {
            return;
        }
        FuseFileInfo fi = ex.fileInfo(0, fh);
        fi.lock_owner.set(owner);
        this.bridge.call("flock", path, (fs) -> fs.flock(path, fi, LOCK_UN));
    }

    /** libfuse's convert_fuse_file_lock: {@code [start, end]} to {@code l_start}/{@code l_len} (0: to the end). */
    private static Flock toFlock(Exchange ex, Requests.Lk request) {
        Flock lock = ex.clearedFlock();
        lock.l_type.set(request.type());
        lock.l_whence.set(0); // SEEK_SET
        lock.l_start.set(request.start());
        lock.l_len.set((request.end() == OFFSET_MAX) ? 0 : request.end() - request.start() + 1);
        lock.l_pid.set(request.pid());
        return lock;
    }

}
