// OPEN/READ/WRITE/RELEASE and the other operations on open files and directories, xattrs and statfs.
package io.github.fusespringboot.mount.bridge;

import java.nio.ByteBuffer;

import io.github.fusespringboot.mount.natives.Errno;
import io.github.fusespringboot.mount.protocol.Replies;
import io.github.fusespringboot.mount.protocol.Requests;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;

/**
 * The file half of the bridge. {@code fuse_file_info} carries fh, flags, lock_owner and the
 * direct_io/keep_cache/flush/nonseekable bits both ways, as libfuse2 fills and reads them.
 */
final class FileOperations {

    private static final int O_TRUNC = 01000;

    private static final int O_ACCMODE = 03;

    private static final int O_RDONLY = 0;

    private static final int O_WRONLY = 01;

    private static final int O_RDWR = 02;

    private static final int O_APPEND = 02000;

    private static final int READ_LOCKOWNER = 1 << 1;

    private static final int WRITE_LOCKOWNER = 1 << 1;

    private static final int RELEASE_FLUSH = 1;

    private static final int RELEASE_FLOCK_UNLOCK = 1 << 1;

    private static final int FSYNC_FDATASYNC = 1;

    // the bit-field of struct fuse_file_info (libfuse 2.9)
    private static final int BIT_DIRECT_IO = 1;

    private static final int BIT_KEEP_CACHE = 1 << 1;

    private static final int BIT_FLUSH = 1 << 2;

    private static final int BIT_NONSEEKABLE = 1 << 3;

    private static final int BIT_FLOCK_RELEASE = 1 << 4;

    private final FilesystemBridge bridge;

    private final ReaddirPlus plus;

    FileOperations(FilesystemBridge bridge) {
        this.bridge = bridge;
        this.plus = new ReaddirPlus(bridge);
    }

    private Implemented has() {
        return this.bridge.implemented;
    }

    /**
     * The open flags the filesystem sees. With writeback_cache the kernel reads pages of files opened
     * write-only and keeps O_APPEND itself, so (as libfuse 3 advises its filesystems) O_WRONLY becomes
     * O_RDWR and O_APPEND is dropped.
     */
    private int openFlags(int flags) {
        if (!this.bridge.options.writebackCache()) {
            return flags;
        }
        int adjusted = flags & ~O_APPEND;
        return ((adjusted & O_ACCMODE) == O_WRONLY) ? (adjusted & ~O_ACCMODE) | O_RDWR : adjusted;
    }

    private int replyOpenFlags(int bits) {
        int flags = 0;
        if ((bits & BIT_DIRECT_IO) != 0 || this.bridge.options.directIo()) {
            flags |= Replies.FOPEN_DIRECT_IO;
        }
        if ((bits & BIT_KEEP_CACHE) != 0 || this.bridge.options.kernelCache()) {
            flags |= Replies.FOPEN_KEEP_CACHE;
        }
        if ((bits & BIT_NONSEEKABLE) != 0) {
            flags |= Replies.FOPEN_NONSEEKABLE;
        }
        return flags;
    }

    int open(Exchange ex, long node) {
        Requests.Open request = Requests.Open.decode(ex.body);
        String path = this.bridge.nodes.path(node);
        if (path == null) {
            return -Errno.ENOENT;
        }
        FuseFileInfo fi = ex.fileInfo(openFlags(request.flags()), 0);
        int result = has().open ? this.bridge.call("open", path, (fs) -> fs.open(path, fi)) : 0;
        if (result != 0) {
            return (result > 0) ? -Errno.EIO : result;
        }
        long fh = fi.fh.get();
        int bits = ex.fileInfoBits();
        if ((request.flags() & O_TRUNC) != 0 && this.bridge.options.atomicOTrunc()) {
            // with FUSE_ATOMIC_O_TRUNC the kernel leaves the truncation to us (instead of a SETATTR)
            int truncated = truncate(ex, path, fh, request.flags());
            if (truncated != 0) {
                release(ex, path, fh, request.flags(), 0, 0);
                // ENOSYS from OPEN would tell the kernel "no open needed, ever" (zero-message opens)
                return (truncated == -Errno.ENOSYS || truncated > 0) ? -Errno.EIO : truncated;
            }
        }
        if (this.bridge.options.autoCache() && keepCache(ex, node, path, fh, request.flags())) {
            bits |= BIT_KEEP_CACHE;
        }
        this.bridge.nodes.opened(node);
        int flags = replyOpenFlags(bits);
        if ((request.flags() & O_ACCMODE) == O_RDONLY && this.bridge.noFlushOnReadOnly()) {
            flags |= Replies.FOPEN_NOFLUSH;
        }
        return Replies.open(ex.out(), 0, fh, flags);
    }

    /** auto_cache: keep the kernel's page cache when mtime and size are what the last open saw. */
    private boolean keepCache(Exchange ex, long node, String path, long fh, int flags) {
        boolean fresh = this.bridge.attributes(ex, path, node, new FilesystemBridge.FileHandle(fh, flags)) == 0;
        return this.bridge.nodes.keepCacheOnOpen(node, fresh, ex.attr.mtime, ex.attr.mtimensec, ex.attr.size);
    }

    private int truncate(Exchange ex, String path, long fh, int flags) {
        if (has().ftruncate) {
            return this.bridge.call("ftruncate", path, (fs) -> fs.ftruncate(path, 0, ex.fileInfo(flags, fh)));
        }
        if (has().truncate) {
            return this.bridge.call("truncate", path, (fs) -> fs.truncate(path, 0));
        }
        return -Errno.ENOSYS;
    }

    int read(Exchange ex, long node) {
        Requests.Read request = Requests.Read.decode(ex.body);
        String path = this.bridge.nodes.pathOrLast(node);
        if (path == null) {
            return -Errno.ENOENT;
        }
        if (!has().read) {
            return -Errno.ENOSYS;
        }
        int size = Math.min(request.size(), ex.payload.size());
        Pointer buffer = ex.replyPointer(size);
        FuseFileInfo fi = ex.fileInfo(request.flags(), request.fh());
        if ((request.readFlags() & READ_LOCKOWNER) != 0) {
            fi.lock_owner.set(request.lockOwner());
        }
        long offset = request.offset();
        int result = this.bridge.call("read", path, ex.calls.read.with(path, buffer, size, offset, fi));
        return (result < 0) ? result : Math.min(result, size);
    }

    int write(Exchange ex, long node) {
        Requests.Write request = Requests.Write.decode(ex.body);
        String path = this.bridge.nodes.pathOrLast(node);
        if (path == null) {
            return -Errno.ENOENT;
        }
        if (!has().write) {
            return -Errno.ENOSYS;
        }
        int size = request.size();
        Pointer data = ex.requestPointer(request.dataAt(), size);
        FuseFileInfo fi = ex.fileInfo(request.flags(), request.fh());
        ex.fileInfoWritepage(request.writeFlags() & 1);
        if ((request.writeFlags() & WRITE_LOCKOWNER) != 0) {
            fi.lock_owner.set(request.lockOwner());
        }
        long offset = request.offset();
        int result = this.bridge.call("write", path, ex.calls.write.with(path, data, size, offset, fi));
        if (result < 0) {
            return result;
        }
        return Replies.write(ex.out(), 0, Math.min(result, size));
    }

    int statfs(Exchange ex, long node) {
        String path = this.bridge.nodes.path(node);
        if (path == null) {
            return -Errno.ENOENT;
        }
        Statvfs stat = ex.clearedStatvfs();
        if (!has().statfs) {
            // lib/fuse.c's answer for a filesystem without statfs
            return Replies.statfs(ex.out(), 0, 0, 0, 0, 0, 0, 512, 255, 0);
        }
        int result = this.bridge.call("statfs", path, (fs) -> fs.statfs(path, stat));
        if (result != 0) {
            return (result > 0) ? -Errno.EIO : result;
        }
        return Replies.statfs(ex.out(), 0, stat.f_blocks.longValue(), stat.f_bfree.longValue(),
                stat.f_bavail.longValue(), stat.f_files.longValue(), stat.f_ffree.longValue(),
                stat.f_bsize.intValue(), stat.f_namemax.intValue(), stat.f_frsize.intValue());
    }

    int release(Exchange ex, long node) {
        Requests.Release request = Requests.Release.decode(ex.body);
        String path = this.bridge.nodes.pathOrLast(node);
        release(ex, path, request.fh(), request.flags(), request.releaseFlags(), request.lockOwner());
        this.bridge.releasedNode(node);
        return 0; // the kernel does not wait for an answer it could use
    }

    private void release(Exchange ex, String path, long fh, int flags, int releaseFlags, long lockOwner) {
        boolean flockRelease = (releaseFlags & RELEASE_FLOCK_UNLOCK) != 0;
        if (flockRelease) {
            this.bridge.locks.releaseFlock(ex, path, fh, lockOwner);
        }
        if (!has().release) {
            return;
        }
        FuseFileInfo fi = ex.fileInfo(flags, fh);
        ex.fileInfoBits((((releaseFlags & RELEASE_FLUSH) != 0) ? BIT_FLUSH : 0)
                | (flockRelease ? BIT_FLOCK_RELEASE : 0));
        fi.lock_owner.set(lockOwner);
        this.bridge.call("release", path, (fs) -> fs.release(path, fi));
    }

    int flush(Exchange ex, long node) {
        Requests.Flush request = Requests.Flush.decode(ex.body);
        String path = this.bridge.nodes.pathOrLast(node);
        int result = -Errno.ENOSYS;
        if (has().flush) {
            FuseFileInfo fi = ex.fileInfo(0, request.fh());
            ex.fileInfoBits(BIT_FLUSH);
            fi.lock_owner.set(request.lockOwner());
            result = this.bridge.call("flush", path, (fs) -> fs.flush(path, fi));
        }
        // as lib/fuse.c: a close drops the owner's POSIX locks, and then a missing flush is no error
        int unlocked = this.bridge.locks.unlockOwner(ex, path, request.fh(), request.lockOwner());
        return (result == -Errno.ENOSYS && unlocked != -Errno.ENOSYS) ? 0 : result;
    }

    /** FSYNC and FSYNCDIR. */
    int fsync(Exchange ex, long node, boolean directory) {
        Requests.Fsync request = Requests.Fsync.decode(ex.body);
        String path = this.bridge.nodes.pathOrLast(node);
        int datasync = request.fsyncFlags() & FSYNC_FDATASYNC;
        if (directory) {
            DirectoryHandle handle = this.bridge.directories.get(request.fh());
            if (!has().fsyncdir) {
                return -Errno.ENOSYS;
            }
            long fh = (handle != null) ? handle.fh : 0;
            return this.bridge.call("fsyncdir", path, (fs) -> fs.fsyncdir(path, ex.fileInfo(0, fh)));
        }
        if (!has().fsync) {
            return -Errno.ENOSYS;
        }
        long fh = request.fh();
        return this.bridge.call("fsync", path, (fs) -> fs.fsync(path, datasync, ex.fileInfo(0, fh)));
    }

    int setxattr(Exchange ex, long node) {
        Requests.Setxattr request = Requests.Setxattr.decode(ex.body);
        String path = this.bridge.nodes.path(node);
        if (path == null) {
            return -Errno.ENOENT;
        }
        if (!has().setxattr) {
            return -Errno.ENOSYS;
        }
        Pointer value = ex.requestPointer(request.valueAt(), request.size());
        long size = Integer.toUnsignedLong(request.size());
        String name = request.name();
        int flags = request.flags();
        return this.bridge.call("setxattr", path, (fs) -> fs.setxattr(path, name, value, size, flags));
    }

    /** GETXATTR ({@code named}) and LISTXATTR: size 0 asks for the size, otherwise for the bytes. */
    int getxattr(Exchange ex, long node, boolean named) {
        Requests.Getxattr request = Requests.Getxattr.decode(ex.body, named);
        String path = this.bridge.nodes.path(node);
        if (path == null) {
            return -Errno.ENOENT;
        }
        if (named ? !has().getxattr : !has().listxattr) {
            return -Errno.ENOSYS;
        }
        int size = (int) Math.min(Integer.toUnsignedLong(request.size()), ex.payload.size());
        Pointer buffer = (size == 0) ? null : ex.replyPointer(size);
        String name = request.name();
        int result = named ? this.bridge.call("getxattr", path, (fs) -> fs.getxattr(path, name, buffer, size))
                : this.bridge.call("listxattr", path, (fs) -> fs.listxattr(path, buffer, size));
        if (result < 0) {
            return result;
        }
        if (size == 0) {
            return Replies.xattrSize(ex.out(), 0, result);
        }
        return (result > size) ? -Errno.ERANGE : result;
    }

    int removexattr(Exchange ex, long node) {
        String name = ex.body.name();
        String path = this.bridge.nodes.path(node);
        if (path == null) {
            return -Errno.ENOENT;
        }
        if (!has().removexattr) {
            return -Errno.ENOSYS;
        }
        return this.bridge.call("removexattr", path, (fs) -> fs.removexattr(path, name));
    }

    int opendir(Exchange ex, long node) {
        Requests.Open request = Requests.Open.decode(ex.body);
        String path = this.bridge.nodes.path(node);
        if (path == null) {
            return -Errno.ENOENT;
        }
        FuseFileInfo fi = ex.fileInfo(request.flags(), 0);
        int result = has().opendir ? this.bridge.call("opendir", path, (fs) -> fs.opendir(path, fi)) : 0;
        if (result != 0) {
            return (result > 0) ? -Errno.EIO : result;
        }
        long id = this.bridge.nextDirectory.getAndIncrement();
        NodeTable inodes = (this.bridge.options.readdirIno() && !this.bridge.options.useIno()) ? this.bridge.nodes
                : null;
        this.bridge.directories.put(id,
                new DirectoryHandle(fi.fh.get(), path, this.bridge.options.useIno(), inodes, node));
        return Replies.open(ex.out(), 0, id, 0);
    }

    /** READDIR, and READDIRPLUS ({@code plus}): the same listing, each entry then looked up. */
    int readdir(Exchange ex, long node, boolean plus) {
        Requests.Read request = Requests.Read.decode(ex.body);
        DirectoryHandle handle = this.bridge.directories.get(request.fh());
        if (handle == null) {
            return -Errno.EBADF;
        }
        int size = Math.min(request.size(), ex.payload.size());
        long offset = request.offset();
        synchronized (handle) {
            if (!handle.filled || offset == 0) {
                if (!has().readdir) {
                    return -Errno.ENOSYS;
                }
                String path = handle.path;
                // offset mode writes plain dirents straight into its buffer: for plus, a side one
                ByteBuffer target = plus ? ex.plainDirents(size) : ex.out();
                handle.beginFill(target, size);
                int result;
                try {
                    result = this.bridge.call("readdir", path,
                            (fs) -> fs.readdir(path, null, handle, offset, ex.fileInfo(0, handle.fh)));
                }
                finally {
                    handle.endFill();
                }
                if (result != 0) {
                    return (result > 0) ? -Errno.EIO : result;
                }
                if (!handle.filled) {
                    return plus ? this.plus.convert(ex, handle.nodeId(), target, 0, handle.replyLength(), size)
                            : handle.replyLength();
                }
            }
            if (plus) {
                return (offset < 0 || offset >= handle.length()) ? 0
                        : this.plus.convert(ex, handle.nodeId(), handle.listing(), (int) offset, handle.length(), size);
            }
            return handle.copyListing(ex.out(), offset, size);
        }
    }

    int releasedir(Exchange ex, long node) {
        Requests.Release request = Requests.Release.decode(ex.body);
        DirectoryHandle handle = this.bridge.directories.remove(request.fh());
        if (handle != null && has().releasedir) {
            int flags = request.flags();
            this.bridge.call("releasedir", handle.path,
                    (fs) -> fs.releasedir(handle.path, ex.fileInfo(flags, handle.fh)));
        }
        return 0;
    }

    int access(Exchange ex, long node) {
        Requests.Access request = Requests.Access.decode(ex.body);
        String path = this.bridge.nodes.path(node);
        if (path == null) {
            return -Errno.ENOENT;
        }
        if (!has().access) {
            return -Errno.ENOSYS;
        }
        int mask = request.mask();
        return this.bridge.call("access", path, (fs) -> fs.access(path, mask));
    }

    /** CREATE: create, then the entry (as LOOKUP), then the open reply, in one payload. */
    int create(Exchange ex, long parent) {
        Requests.Create request = Requests.Create.decode(ex.body);
        ex.umask = request.umask();
        String path = this.bridge.nodes.childPath(parent, request.name());
        if (path == null) {
            return -Errno.ENOENT;
        }
        if (!has().create) {
            return -Errno.ENOSYS; // the kernel then uses MKNOD + OPEN, as with libfuse
        }
        FuseFileInfo fi = ex.fileInfo(openFlags(request.flags()), 0);
        long mode = Integer.toUnsignedLong(request.mode());
        int result = this.bridge.call("create", path, (fs) -> fs.create(path, mode, fi));
        if (result != 0) {
            return (result > 0) ? -Errno.EIO : result;
        }
        long fh = fi.fh.get();
        int bits = ex.fileInfoBits();
        int entry = this.bridge.entry(ex, parent, request.name(), path, 0);
        if (entry < 0) {
            release(ex, path, fh, request.flags(), 0, 0);
            return entry;
        }
        this.bridge.nodes.opened(this.bridge.nodes.idOf(parent, request.name()));
        return entry + Replies.open(ex.out(), entry, fh, replyOpenFlags(bits));
    }

    int fallocate(Exchange ex, long node) {
        Requests.Fallocate request = Requests.Fallocate.decode(ex.body);
        String path = this.bridge.nodes.pathOrLast(node);
        if (path == null) {
            return -Errno.ENOENT;
        }
        if (!has().fallocate) {
            return -Errno.ENOSYS;
        }
        long fh = request.fh();
        return this.bridge.call("fallocate", path, (fs) -> fs.fallocate(path, request.mode(), request.offset(),
                request.length(), ex.fileInfo(0, fh)));
    }

}
