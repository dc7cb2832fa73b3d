// The request bodies of the FUSE protocol (linux/fuse.h, protocol 7.38), decoded from a Body.
package io.github.fusespringboot.mount.protocol;

/**
 * One record per request body, each with a {@code decode} that reads the fields in the order and
 * sizes of the kernel's structs. Opcodes whose body is only a name (LOOKUP, UNLINK, RMDIR,
 * REMOVEXATTR) use {@link Body#name()} directly; GETATTR's, READLINK's and STATFS's bodies carry
 * nothing the engine needs.
 */
public final class Requests {

    private Requests() {
    }

    /** {@code fuse_init_in}; {@code flags} holds flags2 in its upper half when the kernel sent it. */
    public record Init(int major, int minor, int maxReadahead, long flags) {
        public static Init decode(Body body) {
            int major = body.u32();
            int minor = body.u32();
            if (major < 7 || (major == 7 && minor < 6)) {
                // the older layouts have no max_readahead/flags; only "major only" is answerable
                return new Init(major, minor, 0, 0);
            }
            int readahead = body.u32();
            long flags = Integer.toUnsignedLong(body.u32());
            if ((flags & InitFlags.INIT_EXT) != 0 && body.remaining() >= 4) {
                flags |= Integer.toUnsignedLong(body.u32()) << 32;
            }
            return new Init(major, minor, readahead, flags);
        }
    }

    /** {@code fuse_forget_in}. */
    public record Forget(long nlookup) {
        public static Forget decode(Body body) {
            return new Forget(body.u64());
        }
    }

    /** {@code fuse_batch_forget_in} followed by {@code count} {@code fuse_forget_one}. */
    public record BatchForget(long[] nodeIds, long[] nlookups) {
        public static BatchForget decode(Body body) {
            int count = body.u32();
            body.skip(4);
            if (count < 0 || (long) count * 16 > body.remaining()) {
                throw new MalformedRequestException("BATCH_FORGET of " + Integer.toUnsignedString(count)
                        + " entries in " + body.remaining() + " bytes");
            }
            long[] ids = new long[count];
            long[] counts = new long[count];
            for (int i = 0; i < count; i++) {
                ids[i] = body.u64();
                counts[i] = body.u64();
            }
            return new BatchForget(ids, counts);
        }
    }

    /** {@code fuse_getattr_in}. */
    public record Getattr(int getattrFlags, long fh) {
        public static Getattr decode(Body body) {
            int flags = body.u32();
            body.skip(4);
            return new Getattr(flags, body.u64());
        }
    }

    /** {@code fuse_setattr_in}. */
    public record Setattr(int valid, long fh, long size, long lockOwner, long atime, long mtime, long ctime,
            int atimensec, int mtimensec, int ctimensec, int mode, int uid, int gid) {
        public static Setattr decode(Body body) {
            int valid = body.u32();
            body.skip(4);
            long fh = body.u64();
            long size = body.u64();
            long lockOwner = body.u64();
            long atime = body.u64();
            long mtime = body.u64();
            long ctime = body.u64();
            int atimensec = body.u32();
            int mtimensec = body.u32();
            int ctimensec = body.u32();
            int mode = body.u32();
            body.skip(4);
            int uid = body.u32();
            int gid = body.u32();
            body.skip(4);
            return new Setattr(valid, fh, size, lockOwner, atime, mtime, ctime, atimensec, mtimensec, ctimensec,
                    mode, uid, gid);
        }
    }

    /** {@code fuse_mknod_in} + name. */
    public record Mknod(int mode, int rdev, int umask, String name) {
        public static Mknod decode(Body body) {
            int mode = body.u32();
            int rdev = body.u32();
            int umask = body.u32();
            body.skip(4);
            return new Mknod(mode, rdev, umask, body.name());
        }
    }

    /** {@code fuse_mkdir_in} + name. */
    public record Mkdir(int mode, int umask, String name) {
        public static Mkdir decode(Body body) {
            int mode = body.u32();
            int umask = body.u32();
            return new Mkdir(mode, umask, body.name());
        }
    }

    /** SYMLINK: the new entry's name, then the link's target. */
    public record Symlink(String name, String target) {
        public static Symlink decode(Body body) {
            String name = body.name();
            return new Symlink(name, body.name());
        }
    }

    /** {@code fuse_rename_in} / {@code fuse_rename2_in} + old name + new name ({@code flags} 0 for RENAME). */
    public record Rename(long newDir, int flags, String oldName, String newName) {
        public static Rename decode(Body body, boolean rename2) {
            long newDir = body.u64();
            int flags = 0;
            if (rename2) {
                flags = body.u32();
                body.skip(4);
            }
            String oldName = body.name();
            return new Rename(newDir, flags, oldName, body.name());
        }
    }

    /** {@code fuse_link_in} + the new name. */
    public record Link(long oldNodeId, String newName) {
        public static Link decode(Body body) {
            long old = body.u64();
            return new Link(old, body.name());
        }
    }

    /** {@code fuse_open_in} (OPEN and OPENDIR). */
    public record Open(int flags, int openFlags) {
        public static Open decode(Body body) {
            return new Open(body.u32(), body.u32());
        }
    }

    /** {@code fuse_read_in} (READ and READDIR). */
    public record Read(long fh, long offset, int size, int readFlags, long lockOwner, int flags) {
        public static Read decode(Body body) {
            long fh = body.u64();
            long offset = body.u64();
            int size = body.u32();
            int readFlags = body.u32();
            long lockOwner = body.u64();
            int flags = body.u32();
            body.skip(4);
            return new Read(fh, offset, size, readFlags, lockOwner, flags);
        }
    }

    /** {@code fuse_write_in}, then the data: {@code dataAt} is where it starts in the request. */
    public record Write(long fh, long offset, int size, int writeFlags, long lockOwner, int flags, int dataAt) {
        public static Write decode(Body body) {
            long fh = body.u64();
            long offset = body.u64();
            int size = body.u32();
            int writeFlags = body.u32();
            long lockOwner = body.u64();
            int flags = body.u32();
            body.skip(4);
            return new Write(fh, offset, size, writeFlags, lockOwner, flags, body.take(size));
        }
    }

    /** {@code fuse_release_in} (RELEASE and RELEASEDIR). */
    public record Release(long fh, int flags, int releaseFlags, long lockOwner) {
        public static Release decode(Body body) {
            return new Release(body.u64(), body.u32(), body.u32(), body.u64());
        }
    }

    /** {@code fuse_fsync_in} (FSYNC and FSYNCDIR). */
    public record Fsync(long fh, int fsyncFlags) {
        public static Fsync decode(Body body) {
            long fh = body.u64();
            int flags = body.u32();
            body.skip(4);
            return new Fsync(fh, flags);
        }
    }

    /**
     * {@code fuse_setxattr_in} in its compat size (8 bytes: the engine does not enable
     * FUSE_SETXATTR_EXT) + name + value; {@code valueAt} is where the value starts.
     */
    public record Setxattr(int size, int flags, String name, int valueAt) {
        public static Setxattr decode(Body body) {
            int size = body.u32();
            int flags = body.u32();
            String name = body.name();
            return new Setxattr(size, flags, name, body.take(size));
        }
    }

    /** {@code fuse_getxattr_in} (+ name for GETXATTR, none for LISTXATTR). */
    public record Getxattr(int size, String name) {
        public static Getxattr decode(Body body, boolean named) {
            int size = body.u32();
            body.skip(4);
            return new Getxattr(size, named ? body.name() : null);
        }
    }

    /** {@code fuse_flush_in}. */
    public record Flush(long fh, long lockOwner) {
        public static Flush decode(Body body) {
            long fh = body.u64();
            body.skip(8);
            return new Flush(fh, body.u64());
        }
    }

    /** {@code fuse_access_in}. */
    public record Access(int mask) {
        public static Access decode(Body body) {
            int mask = body.u32();
            body.skip(4);
            return new Access(mask);
        }
    }

    /** {@code fuse_create_in} + name. */
    public record Create(int flags, int mode, int umask, int openFlags, String name) {
        public static Create decode(Body body) {
            int flags = body.u32();
            int mode = body.u32();
            int umask = body.u32();
            int openFlags = body.u32();
            return new Create(flags, mode, umask, openFlags, body.name());
        }
    }

    /** {@code fuse_interrupt_in}. */
    public record Interrupt(long unique) {
        public static Interrupt decode(Body body) {
            return new Interrupt(body.u64());
        }
    }

    /** {@code fuse_fallocate_in}. */
    public record Fallocate(long fh, long offset, long length, int mode) {
        public static Fallocate decode(Body body) {
            long fh = body.u64();
            long offset = body.u64();
            long length = body.u64();
            int mode = body.u32();
            body.skip(4);
            return new Fallocate(fh, offset, length, mode);
        }
    }

    /**
     * {@code fuse_lk_in}: GETLK, SETLK and SETLKW; {@code lkFlags} has FUSE_LK_FLOCK for a flock(2)
     * lock. The range is {@code [start, end]}, end inclusive ({@code Long.MAX_VALUE}: to the end).
     */
    public record Lk(long fh, long owner, long start, long end, int type, int pid, int lkFlags) {
        /** {@code FUSE_LK_FLOCK}. */
        public static final int FLOCK = 1;

        public static Lk decode(Body body) {
            long fh = body.u64();
            long owner = body.u64();
            long start = body.u64();
            long end = body.u64();
            int type = body.u32();
            int pid = body.u32();
            int lkFlags = body.u32();
            return new Lk(fh, owner, start, end, type, pid, lkFlags);
        }
    }

    /** {@code fuse_lseek_in}. */
    public record Lseek(long fh, long offset, int whence) {
        public static Lseek decode(Body body) {
            long fh = body.u64();
            long offset = body.u64();
            int whence = body.u32();
            body.skip(4);
            return new Lseek(fh, offset, whence);
        }
    }

    /**
     * {@code fuse_copy_file_range_in}: from {@code fhIn} of the request's node at {@code offsetIn} to
     * {@code fhOut} of node {@code nodeIdOut} at {@code offsetOut}, {@code length} bytes.
     */
    public record CopyFileRange(long fhIn, long offsetIn, long nodeIdOut, long fhOut, long offsetOut, long length,
            long flags) {
        public static CopyFileRange decode(Body body) {
            long fhIn = body.u64();
            long offsetIn = body.u64();
            long nodeIdOut = body.u64();
            long fhOut = body.u64();
            long offsetOut = body.u64();
            long length = body.u64();
            return new CopyFileRange(fhIn, offsetIn, nodeIdOut, fhOut, offsetOut, length, body.u64());
        }
    }

}
