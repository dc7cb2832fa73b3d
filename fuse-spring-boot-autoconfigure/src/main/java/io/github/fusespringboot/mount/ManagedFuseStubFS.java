// FuseStubFS without the 4 ms native binding per instance: for filesystems made by the thousand.
package io.github.fusespringboot.mount;

import java.nio.file.Path;

import io.github.fusespringboot.mount.bridge.CallerContext;
import jnr.ffi.Pointer;
import jnr.ffi.types.dev_t;
import jnr.ffi.types.gid_t;
import jnr.ffi.types.mode_t;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.u_int32_t;
import jnr.ffi.types.uid_t;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFS;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.NotImplemented;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.Flock;
import ru.serce.jnrfuse.struct.FuseBufvec;
import ru.serce.jnrfuse.struct.FuseContext;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.FusePollhandle;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * A drop-in for jnr-fuse's {@code FuseStubFS} that costs nothing to construct. jnr-fuse's
 * {@code AbstractFuseFS} constructor loads a jnr-ffi binding of libfuse for every instance (about
 * 4 ms and 2-3 classes that are never unloaded); the engine needs none of it, since it builds one
 * operations table per class. Extend this instead of {@code FuseStubFS} when filesystems are created
 * per mount (per tenant, per job); override the same methods, with the same jnr-fuse types. Every
 * method not overridden stays "not implemented", exactly as in {@code FuseStubFS}.
 *
 * <p>
 * Mount it with a {@link MountManager} (or {@code @FuseFilesystem}); jnr-fuse's own
 * {@code mount()}/{@code umount()} are not available on it.
 */
public abstract class ManagedFuseStubFS implements FuseFS {

    /**
     * The calling request's context (uid, gid, pid and umask of the caller). Only valid inside a
     * callback; outside one it is {@code null}.
     */
    public FuseContext getContext() {
        return CallerContext.current();
    }

    /**
     * Whether the request the calling callback serves was interrupted: the process that made the
     * system call got a signal and the kernel sent FUSE_INTERRUPT. A long or blocking callback may
     * check it and give up with {@code -EINTR}; finishing normally is just as valid. Only the protocol
     * engine tells (outside a callback this is always false).
     */
    public boolean isInterrupted() {
        return CallerContext.interrupted();
    }

    /** Not available: mount with {@link MountManager#mount(MountSpec)}. */
    @Override
    public void mount(Path mountPoint, boolean blocking, boolean debug, String[] fuseOpts) {
        throw new UnsupportedOperationException("Mount " + getClass().getSimpleName()
                + " with MountManager.mount(MountSpec) or @FuseFilesystem");
    }

    /** Not available: unmount through the {@link FuseMount} handle. */
    @Override
    public void umount() {
        throw new UnsupportedOperationException("Unmount through the FuseMount handle or MountManager.unmount(name)");
    }

    @NotImplemented
    @Override
    public int getattr(String path, FileStat stat) {
        return 0;
    }

    @NotImplemented
    @Override
    public int readlink(String path, Pointer buf, @size_t long size) {
        return 0;
    }

    @NotImplemented
    @Override
    public int mknod(String path, @mode_t long mode, @dev_t long rdev) {
        return 0;
    }

    @NotImplemented
    @Override
    public int mkdir(String path, @mode_t long mode) {
        return 0;
    }

    @NotImplemented
    @Override
    public int unlink(String path) {
        return 0;
    }

    @NotImplemented
    @Override
    public int rmdir(String path) {
        return 0;
    }

    @NotImplemented
    @Override
    public int symlink(String oldpath, String newpath) {
        return 0;
    }

    @NotImplemented
    @Override
    public int rename(String oldpath, String newpath) {
        return 0;
    }

    /**
     * renameat2(2) with flags: {@code RENAME_NOREPLACE} (1: fail with {@code -EEXIST} if
     * {@code newpath} exists), {@code RENAME_EXCHANGE} (2: swap the two names atomically, both must
     * exist) or {@code RENAME_WHITEOUT} (4). The kernel sends FUSE_RENAME2 only when a caller gave
     * flags; a plain rename(2) arrives at {@link #rename(String, String)}, unless this method is
     * overridden: then every rename arrives here, plain ones with flags 0. The kernel has already
     * checked that both names' directories exist and, for RENAME_NOREPLACE, that it knows of no entry
     * at {@code newpath}, but the filesystem must check again (it may know more).
     *
     * <p>
     * Return 0 or a negative errno ({@code -EINVAL} for flags the filesystem does not support).
     * Not overriding it keeps libfuse2's answer: {@code -EINVAL} for any flags, which renameat2(2)
     * callers take as "not supported". The default implementation passes flags 0 to
     * {@link #rename(String, String)} and answers {@code -EINVAL} otherwise. Only the protocol engine
     * calls it.
     * @param oldpath the entry to move
     * @param newpath where it goes (with RENAME_EXCHANGE: the entry it swaps with)
     * @param flags the RENAME_* flags
     * @return 0 or a negative errno
     */
    // not @NotImplemented: engines read that mark by method name, so it would mark rename(a, b) too;
    // the bridge tells this one overridden by the class declaring it
    public int rename(String oldpath, String newpath, int flags) {
        return (flags == 0) ? rename(oldpath, newpath) : -ErrorCodes.EINVAL();
    }

    /**
     * lseek(2) with {@code SEEK_DATA} (3) or {@code SEEK_HOLE} (4) on an open file (the kernel
     * answers {@code SEEK_SET}, {@code SEEK_CUR} and {@code SEEK_END} itself, refreshing the size
     * with a getattr for SEEK_END): the offset of the first byte of data (or of a hole; the end of
     * the file counts as one) at or after {@code offset}. Return that offset, {@code -ENXIO} when
     * {@code offset} is at or past the end (or, for SEEK_DATA, no data follows), or another negative
     * errno.
     *
     * <p>
     * Not overriding it answers FUSE_LSEEK with ENOSYS, as libfuse does: the kernel then stops asking
     * for the mount and answers on its own, as if the whole file were data (SEEK_DATA returns
     * {@code offset}, SEEK_HOLE the file's size). The default implementation answers {@code -ENOSYS}
     * the same way. Only the protocol engine calls it.
     * @param path the file's path (the one it had when opened, if it was unlinked since)
     * @param offset where to start looking
     * @param whence SEEK_DATA or SEEK_HOLE
     * @param fi the open file ({@code fh} as open or create set it)
     * @return the offset found, or a negative errno
     */
    @NotImplemented
    public long lseek(String path, @off_t long offset, int whence, FuseFileInfo fi) {
        return -ErrorCodes.ENOSYS();
    }

    /**
     * copy_file_range(2) between two open files of this mount: copy up to {@code size} bytes from
     * {@code offsetIn} of the first to {@code offsetOut} of the second, without bringing them through
     * the caller (a server-side copy, a reflink). Return the bytes copied (fewer than asked, 0 at the
     * end of the input, as the system call may) or a negative errno. The kernel has written back what
     * it cached of both ranges before sending it, and asks for at most about 4 GiB at once (the
     * reply's count has 32 bits; the caller then gets a short count and asks again).
     * {@code flags} is what the caller passed (0 today).
     *
     * <p>
     * Not overriding it answers FUSE_COPY_FILE_RANGE with ENOSYS, as libfuse does: the kernel then
     * stops asking for the mount and copies by reading and writing through the mount itself, so
     * copy_file_range(2) still works. The default implementation answers {@code -ENOSYS} the same way.
     * Only the protocol engine calls it.
     * @param pathIn the path of the file copied from
     * @param fiIn that open file
     * @param offsetIn where to start reading
     * @param pathOut the path of the file copied to
     * @param fiOut that open file
     * @param offsetOut where to start writing
     * @param size how many bytes at most
     * @param flags the caller's flags
     * @return the bytes copied, or a negative errno
     */
    @NotImplemented
    public long copyFileRange(String pathIn, FuseFileInfo fiIn, @off_t long offsetIn, String pathOut,
            FuseFileInfo fiOut, @off_t long offsetOut, @size_t long size, int flags) {
        return -ErrorCodes.ENOSYS();
    }

    @NotImplemented
    @Override
    public int link(String oldpath, String newpath) {
        return 0;
    }

    @NotImplemented
    @Override
    public int chmod(String path, @mode_t long mode) {
        return 0;
    }

    @NotImplemented
    @Override
    public int chown(String path, @uid_t long uid, @gid_t long gid) {
        return 0;
    }

    @NotImplemented
    @Override
    public int truncate(String path, @off_t long size) {
        return 0;
    }

    @NotImplemented
    @Override
    public int open(String path, FuseFileInfo fi) {
        return 0;
    }

    @NotImplemented
    @Override
    public int read(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        return 0;
    }

    @NotImplemented
    @Override
    public int write(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        return 0;
    }

    @NotImplemented
    @Override
    public int statfs(String path, Statvfs stbuf) {
        return 0;
    }

    @NotImplemented
    @Override
    public int flush(String path, FuseFileInfo fi) {
        return 0;
    }

    @NotImplemented
    @Override
    public int release(String path, FuseFileInfo fi) {
        return 0;
    }

    @NotImplemented
    @Override
    public int fsync(String path, int isdatasync, FuseFileInfo fi) {
        return 0;
    }

    @NotImplemented
    @Override
    public int setxattr(String path, String name, Pointer value, @size_t long size, int flags) {
        return 0;
    }

    @NotImplemented
    @Override
    public int getxattr(String path, String name, Pointer value, @size_t long size) {
        return 0;
    }

    @NotImplemented
    @Override
    public int listxattr(String path, Pointer list, @size_t long size) {
        return 0;
    }

    @NotImplemented
    @Override
    public int removexattr(String path, String name) {
        return 0;
    }

    @NotImplemented
    @Override
    public int opendir(String path, FuseFileInfo fi) {
        return 0;
    }

    @NotImplemented
    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filter, @off_t long offset, FuseFileInfo fi) {
        return 0;
    }

    @NotImplemented
    @Override
    public int releasedir(String path, FuseFileInfo fi) {
        return 0;
    }

    @NotImplemented
    @Override
    public int fsyncdir(String path, FuseFileInfo fi) {
        return 0;
    }

    @NotImplemented
    @Override
    public Pointer init(Pointer conn) {
        return null;
    }

    @NotImplemented
    @Override
    public void destroy(Pointer initResult) {
    }

    @NotImplemented
    @Override
    public int access(String path, int mask) {
        return 0;
    }

    @NotImplemented
    @Override
    public int create(String path, @mode_t long mode, FuseFileInfo fi) {
        return 0;
    }

    @NotImplemented
    @Override
    public int ftruncate(String path, @off_t long size, FuseFileInfo fi) {
        return 0;
    }

    @NotImplemented
    @Override
    public int fgetattr(String path, FileStat stbuf, FuseFileInfo fi) {
        return 0;
    }

    @NotImplemented
    @Override
    public int lock(String path, FuseFileInfo fi, int cmd, Flock flock) {
        return 0;
    }

    @NotImplemented
    @Override
    public int utimens(String path, Timespec[] timespec) {
        return 0;
    }

    @NotImplemented
    @Override
    public int bmap(String path, @size_t long blocksize, long idx) {
        return 0;
    }

    @NotImplemented
    @Override
    public int ioctl(String path, int cmd, Pointer arg, FuseFileInfo fi, @u_int32_t long flags, Pointer data) {
        return 0;
    }

    @NotImplemented
    @Override
    public int poll(String path, FuseFileInfo fi, FusePollhandle ph, Pointer reventsp) {
        return 0;
    }

    @NotImplemented
    @Override
    public int write_buf(String path, FuseBufvec buf, @off_t long off, FuseFileInfo fi) {
        return 0;
    }

    @NotImplemented
    @Override
    public int read_buf(String path, Pointer bufp, @size_t long size, @off_t long off, FuseFileInfo fi) {
        return 0;
    }

    @NotImplemented
    @Override
    public int flock(String path, FuseFileInfo fi, int op) {
        return 0;
    }

    @NotImplemented
    @Override
    public int fallocate(String path, int mode, @off_t long off, @off_t long length, FuseFileInfo fi) {
        return 0;
    }

}
