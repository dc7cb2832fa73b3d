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
