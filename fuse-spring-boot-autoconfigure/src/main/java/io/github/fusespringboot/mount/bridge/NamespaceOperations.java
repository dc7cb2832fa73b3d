// LOOKUP, FORGET, GETATTR, SETATTR and the operations that add, remove or move names.
package io.github.fusespringboot.mount.bridge;

import io.github.fusespringboot.mount.natives.Errno;
import io.github.fusespringboot.mount.protocol.Replies;
import io.github.fusespringboot.mount.protocol.Requests;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * The name-space half of the bridge: every method decodes its body, resolves paths from the node
 * table, calls the filesystem and encodes the reply, returning its length or a negative errno.
 */
final class NamespaceOperations {

    // fuse_setattr_in.valid
    private static final int FATTR_MODE = 1;

    private static final int FATTR_UID = 1 << 1;

    private static final int FATTR_GID = 1 << 2;

    private static final int FATTR_SIZE = 1 << 3;

    private static final int FATTR_ATIME = 1 << 4;

    private static final int FATTR_MTIME = 1 << 5;

    private static final int FATTR_FH = 1 << 6;

    private static final int FATTR_ATIME_NOW = 1 << 7;

    private static final int FATTR_MTIME_NOW = 1 << 8;

    private static final long UTIME_NOW = (1L << 30) - 1;

    private static final long UTIME_OMIT = (1L << 30) - 2;

    private static final int FUSE_GETATTR_FH = 1;

    /** renameat2(2) flags (linux/fs.h). */
    private static final int RENAME_NOREPLACE = 1;

    private static final int RENAME_EXCHANGE = 1 << 1;

    private static final int S_IFMT = 0170000;

    private static final int S_IFREG = 0100000;

    /** The open flags lib/fuse.c's mknod passes to create: O_CREAT | O_EXCL | O_WRONLY. */
    private static final int CREATE_FLAGS = 0301;

    /** readlink's buffer in lib/fuse.c: PATH_MAX + 1. */
    private static final int LINK_BUFFER = 4097;

    private final FilesystemBridge bridge;

    NamespaceOperations(FilesystemBridge bridge) {
        this.bridge = bridge;
    }

    int lookup(Exchange ex, long parent) {
        String name = ex.body.name();
        String path = this.bridge.nodes.childPath(parent, name);
        if (path == null) {
            return -Errno.ENOENT;
        }
        return this.bridge.entry(ex, parent, name, path, 0);
    }

    int forget(Exchange ex, long node) {
        this.bridge.nodes.forget(node, Requests.Forget.decode(ex.body).nlookup());
        return FilesystemBridge.NO_REPLY;
    }

    int batchForget(Exchange ex) {
        Requests.BatchForget batch = Requests.BatchForget.decode(ex.body);
        for (int i = 0; i < batch.nodeIds().length; i++) {
            this.bridge.nodes.forget(batch.nodeIds()[i], batch.nlookups()[i]);
        }
        return FilesystemBridge.NO_REPLY;
    }

    int getattr(Exchange ex, long node) {
        Requests.Getattr request = Requests.Getattr.decode(ex.body);
        String path = this.bridge.nodes.path(node);
        if (path == null) {
            return -Errno.ENOENT;
        }
        FilesystemBridge.FileHandle handle = ((request.getattrFlags() & FUSE_GETATTR_FH) != 0)
                ? new FilesystemBridge.FileHandle(request.fh(), 0) : null;
        return attributesReply(ex, path, node, handle);
    }

    private int attributesReply(Exchange ex, String path, long node, FilesystemBridge.FileHandle handle) {
        int result = this.bridge.attributes(ex, path, node, handle);
        if (result != 0) {
            return result;
        }
        return Replies.attr(ex.out(), 0, this.bridge.options.attrTimeoutNanos(), ex.attr);
    }

    /** As lib/fuse.c's fuse_lib_setattr: chmod, chown, truncate (ftruncate with a handle), utimens, then getattr. */
    int setattr(Exchange ex, long node) {
        Requests.Setattr request = Requests.Setattr.decode(ex.body);
        String path = this.bridge.nodes.path(node);
        if (path == null) {
            return -Errno.ENOENT;
        }
        Implemented has = this.bridge.implemented;
        int valid = request.valid();
        FilesystemBridge.FileHandle handle = ((valid & FATTR_FH) != 0)
                ? new FilesystemBridge.FileHandle(request.fh(), 0) : null;
        int result = 0;
        if ((valid & FATTR_MODE) != 0) {
            long mode = Integer.toUnsignedLong(request.mode());
            result = has.chmod ? this.bridge.call("chmod", path, (fs) -> fs.chmod(path, mode)) : -Errno.ENOSYS;
        }
        if (result == 0 && (valid & (FATTR_UID | FATTR_GID)) != 0) {
            long uid = ((valid & FATTR_UID) != 0) ? Integer.toUnsignedLong(request.uid()) : -1L;
            long gid = ((valid & FATTR_GID) != 0) ? Integer.toUnsignedLong(request.gid()) : -1L;
            result = has.chown ? this.bridge.call("chown", path, (fs) -> fs.chown(path, uid, gid)) : -Errno.ENOSYS;
        }
        if (result == 0 && (valid & FATTR_SIZE) != 0) {
            long size = request.size();
            if (handle != null && has.ftruncate) {
                long fh = handle.fh();
                result = this.bridge.call("ftruncate", path,
                        (fs) -> fs.ftruncate(path, size, ex.fileInfo(0, fh)));
            }
            else {
                result = has.truncate ? this.bridge.call("truncate", path, (fs) -> fs.truncate(path, size))
                        : -Errno.ENOSYS;
            }
        }
        if (result == 0 && !has.utimeOmitOk && (valid & (FATTR_ATIME | FATTR_MTIME)) == (FATTR_ATIME | FATTR_MTIME)) {
            // as libfuse without flag_utime_omit_ok: both times, explicit values (the kernel's "now" for
            // *_NOW); one time alone is not passed on (@AcceptsUtimeNowAndOmit asks for it)
            Timespec[] times = ex.times;
            setTime(times[0], false, true, request.atime(), request.atimensec());
            setTime(times[1], false, true, request.mtime(), request.mtimensec());
            result = has.utimens ? this.bridge.call("utimens", path, (fs) -> fs.utimens(path, times))
                    : -Errno.ENOSYS;
        }
        else if (result == 0 && has.utimeOmitOk && (valid & (FATTR_ATIME | FATTR_MTIME)) != 0) {
            Timespec[] times = ex.times;
            setTime(times[0], (valid & FATTR_ATIME_NOW) != 0, (valid & FATTR_ATIME) != 0, request.atime(),
                    request.atimensec());
            setTime(times[1], (valid & FATTR_MTIME_NOW) != 0, (valid & FATTR_MTIME) != 0, request.mtime(),
                    request.mtimensec());
            result = has.utimens ? this.bridge.call("utimens", path, (fs) -> fs.utimens(path, times))
                    : -Errno.ENOSYS;
        }
        if (result != 0) {
            return (result > 0) ? -Errno.EIO : result;
        }
        return attributesReply(ex, path, node, handle);
    }

    private static void setTime(Timespec time, boolean now, boolean given, long seconds, int nanos) {
        if (now) {
            time.tv_sec.set(0);
            time.tv_nsec.set(UTIME_NOW);
        }
        else if (given) {
            time.tv_sec.set(seconds);
            time.tv_nsec.set(Integer.toUnsignedLong(nanos));
        }
        else {
            time.tv_sec.set(0);
            time.tv_nsec.set(UTIME_OMIT);
        }
    }

    int readlink(Exchange ex, long node) {
        String path = this.bridge.nodes.path(node);
        if (path == null) {
            return -Errno.ENOENT;
        }
        if (!this.bridge.implemented.readlink) {
            return -Errno.ENOSYS;
        }
        ex.payload.clear(0, LINK_BUFFER);
        Pointer buffer = ex.replyPointer(LINK_BUFFER);
        int result = this.bridge.call("readlink", path, (fs) -> fs.readlink(path, buffer, LINK_BUFFER));
        if (result < 0) {
            return result;
        }
        int length = 0;
        while (length < LINK_BUFFER - 1 && ex.out().get(length) != 0) {
            length++;
        }
        return length;
    }

    /** MKNOD: a regular file through create + release when the filesystem has create (lib/fuse.c does the same). */
    int mknod(Exchange ex, long parent) {
        Requests.Mknod request = Requests.Mknod.decode(ex.body);
        ex.umask = request.umask();
        String path = this.bridge.nodes.childPath(parent, request.name());
        if (path == null) {
            return -Errno.ENOENT;
        }
        long mode = Integer.toUnsignedLong(request.mode());
        Implemented has = this.bridge.implemented;
        int result;
        if ((request.mode() & S_IFMT) == S_IFREG && has.create) {
            result = this.bridge.call("create", path, (fs) -> fs.create(path, mode, ex.fileInfo(CREATE_FLAGS, 0)));
            if (result == 0 && has.release) {
                long fh = ex.fileInfo.fh.get();
                this.bridge.call("release", path, (fs) -> fs.release(path, ex.fileInfo(CREATE_FLAGS, fh)));
            }
        }
        else if (has.mknod) {
            long rdev = Integer.toUnsignedLong(request.rdev());
            result = this.bridge.call("mknod", path, (fs) -> fs.mknod(path, mode, rdev));
        }
        else {
            result = -Errno.ENOSYS;
        }
        return (result != 0) ? result : this.bridge.entry(ex, parent, request.name(), path, 0);
    }

    int mkdir(Exchange ex, long parent) {
        Requests.Mkdir request = Requests.Mkdir.decode(ex.body);
        ex.umask = request.umask();
        String path = this.bridge.nodes.childPath(parent, request.name());
        if (path == null) {
            return -Errno.ENOENT;
        }
        if (!this.bridge.implemented.mkdir) {
            return -Errno.ENOSYS;
        }
        long mode = Integer.toUnsignedLong(request.mode());
        int result = this.bridge.call("mkdir", path, (fs) -> fs.mkdir(path, mode));
        return (result != 0) ? result : this.bridge.entry(ex, parent, request.name(), path, 0);
    }

    int symlink(Exchange ex, long parent) {
        Requests.Symlink request = Requests.Symlink.decode(ex.body);
        String path = this.bridge.nodes.childPath(parent, request.name());
        if (path == null) {
            return -Errno.ENOENT;
        }
        if (!this.bridge.implemented.symlink) {
            return -Errno.ENOSYS;
        }
        String target = request.target();
        int result = this.bridge.call("symlink", path, (fs) -> fs.symlink(target, path));
        return (result != 0) ? result : this.bridge.entry(ex, parent, request.name(), path, 0);
    }

    int link(Exchange ex, long newParent) {
        Requests.Link request = Requests.Link.decode(ex.body);
        String from = this.bridge.nodes.path(request.oldNodeId());
        String to = this.bridge.nodes.childPath(newParent, request.newName());
        if (from == null || to == null) {
            return -Errno.ENOENT;
        }
        if (!this.bridge.implemented.link) {
            return -Errno.ENOSYS;
        }
        int result = this.bridge.call("link", to, (fs) -> fs.link(from, to));
        return (result != 0) ? result : this.bridge.entry(ex, newParent, request.newName(), to, 0);
    }

    /**
     * UNLINK and RMDIR. The name leaves the table; a node still referenced keeps its id, without a
     * path. An open file is hidden instead (unless hard_remove), as lib/fuse.c does.
     */
    int unlink(Exchange ex, long parent, boolean directory) {
        String name = ex.body.name();
        String path = this.bridge.nodes.childPath(parent, name);
        if (path == null) {
            return -Errno.ENOENT;
        }
        int result;
        if (directory) {
            result = this.bridge.implemented.rmdir ? this.bridge.call("rmdir", path, (fs) -> fs.rmdir(path))
                    : -Errno.ENOSYS;
        }
        else if (!this.bridge.options.hardRemove() && this.bridge.nodes.isOpen(parent, name)) {
            return this.bridge.hide(ex, parent, name, path); // open: keep it under a hidden name
        }
        else {
            result = this.bridge.implemented.unlink ? this.bridge.call("unlink", path, (fs) -> fs.unlink(path))
                    : -Errno.ENOSYS;
        }
        if (result == 0) {
            this.bridge.nodes.removed(parent, name);
        }
        return (result > 0) ? -Errno.EIO : result;
    }

    /**
     * RENAME and RENAME2. Flags reach only a {@code ManagedFuseStubFS} that overrides
     * {@code rename(from, to, flags)}; for any other filesystem RENAME2 with flags is EINVAL (as
     * libfuse2, whose rename has no flags). RENAME_EXCHANGE swaps the two names' nodes; with
     * RENAME_NOREPLACE (or EXCHANGE) nothing is replaced, so no open target is hidden.
     */
    int rename(Exchange ex, long parent, boolean rename2) {
        Requests.Rename request = Requests.Rename.decode(ex.body, rename2);
        int flags = request.flags();
        Implemented has = this.bridge.implemented;
        if (flags != 0 && !has.renameFlags) {
            return -Errno.EINVAL;
        }
        String from = this.bridge.nodes.childPath(parent, request.oldName());
        String to = this.bridge.nodes.childPath(request.newDir(), request.newName());
        if (from == null || to == null) {
            return -Errno.ENOENT;
        }
        if (!has.rename && !has.renameFlags) {
            return -Errno.ENOSYS;
        }
        boolean replaces = (flags & (RENAME_NOREPLACE | RENAME_EXCHANGE)) == 0;
        if (replaces && !this.bridge.options.hardRemove()
                && this.bridge.nodes.isOpen(request.newDir(), request.newName())) {
            int hidden = this.bridge.hide(ex, request.newDir(), request.newName(), to);
            if (hidden != 0) {
                return hidden;
            }
        }
        int result = this.bridge.rename(from, to, flags);
        if (result == 0 && (flags & RENAME_EXCHANGE) != 0) {
            this.bridge.nodes.exchanged(parent, request.oldName(), request.newDir(), request.newName());
        }
        else if (result == 0) {
            this.bridge.nodes.renamed(parent, request.oldName(), request.newDir(), request.newName());
        }
        return (result > 0) ? -Errno.EIO : result;
    }

}
