// A read-write FUSE filesystem that keeps every file in a real backing directory.
package io.github.fusespringboot.samples.passthrough;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.fusespringboot.mount.AcceptsUtimeNowAndOmit;
import io.github.fusespringboot.mount.ManagedFuseStubFS;
import io.github.fusespringboot.samples.passthrough.natives.Syscalls;
import jnr.ffi.Pointer;
import jnr.ffi.Struct;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseContext;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * Mirrors a backing directory: {@code <mount>/a/b} is {@code <backing>/a/b}. Every callback is the
 * matching system call on the backing path ({@link Syscalls}), like libfuse's own
 * {@code example/passthrough.c}, and answers what that call answered: its result, or its errno
 * unchanged. So programs see through the mount exactly what they would see in the backing directory.
 *
 * <p>
 * Open files: {@code open}/{@code create} open the backing file with the caller's flags and mode and
 * hand its descriptor to the kernel as {@link FuseFileInfo#fh}; {@code read}, {@code write},
 * {@code fsync}, ... use it; {@code release} closes it. Nothing is buffered here, so a write that
 * returned has reached the backing file, and {@code fsync} through the mount is {@code fsync} of it.
 *
 * <p>
 * Ownership: the application runs as root, so whatever it creates would belong to root. With
 * {@code allow_other} other users reach the mount too; what they create (files, directories, nodes,
 * symbolic links) is given to them, the caller's uid and gid from {@link #getContext()} (the group of a
 * set-group-ID parent directory stays, as the kernel would have it). Permission checks are the
 * kernel's: {@code allow_other} brings {@code default_permissions} (the engine's default), so the
 * kernel checks every call against the modes and owners shown here before it reaches this class.
 *
 * <p>
 * The callbacks are called concurrently on the engine's serving threads; nothing here is shared but
 * the set of open descriptors, a concurrent set.
 */
public class PassthroughFilesystem extends ManagedFuseStubFS implements AutoCloseable {

    /** {@code O_APPEND} is left out: the kernel sends every write with its offset, end of file included. */
    private static final int NOT_PASSED_ON = Syscalls.O_APPEND;

    private static final int UNCHANGED_ID = -1;

    private static final int O_RDONLY = 0;

    private static final int O_DIRECTORY = 0200000;

    private final Path backingDir;

    private final String root;

    /** The backing directory, opened once: every call names a path relative to it. */
    private final int rootFd;

    private final boolean privileged = Syscalls.geteuid() == 0;

    private final Set<Integer> openFiles = ConcurrentHashMap.newKeySet();

    /**
     * @param backingDir the existing directory whose contents the mount shows and changes
     */
    public PassthroughFilesystem(Path backingDir) {
        if (!Files.isDirectory(backingDir)) {
            throw new IllegalArgumentException("The backing directory " + backingDir + " does not exist");
        }
        this.backingDir = backingDir.toAbsolutePath().normalize();
        this.root = this.backingDir.toString();
        this.rootFd = Syscalls.openDirectory(this.root);
        if (this.rootFd < 0) {
            throw new IllegalArgumentException("The backing directory " + backingDir + " cannot be opened (errno "
                    + -this.rootFd + ")");
        }
    }

    /** The directory the files are stored in. */
    public Path backingDir() {
        return this.backingDir;
    }

    /** The descriptor of the backing directory, which {@link #backing(String)} paths are relative to. */
    protected int backingDirFd() {
        return this.rootFd;
    }

    /** How many files are open through the mount right now. */
    public int openFiles() {
        return this.openFiles.size();
    }

    /**
     * The backing path of a FUSE path, relative to the backing directory. FUSE paths are absolute
     * ({@code /}, {@code /a/b}) and never contain {@code .} or {@code ..} (the kernel resolves those),
     * so this cannot leave the backing directory. Relative, so that a path as long as the kernel allows
     * on the mount ({@code PATH_MAX}) is not too long in the backing directory.
     */
    protected String backing(String path) {
        return path.equals("/") ? "." : path.substring(1);
    }

    /** The whole backing path, for the few calls that have no {@code *at} form. */
    private String absolute(String path) {
        return path.equals("/") ? this.root : this.root + path;
    }

    private static String parent(String relative) {
        int slash = relative.lastIndexOf('/');
        return (slash < 0) ? "." : relative.substring(0, slash);
    }

    // ------------------------------------------------------------------ metadata

    /** lstat(2) straight into the {@code struct stat} the engine passed: a link is shown as a link. */
    @Override
    public int getattr(String path, FileStat stat) {
        return Syscalls.lstat(this.rootFd, backing(path), Struct.getMemory(stat));
    }

    /** fstat(2) of the open file: right even when its name was removed or renamed meanwhile. */
    @Override
    public int fgetattr(String path, FileStat stat, FuseFileInfo fi) {
        return Syscalls.fstat(fd(fi), Struct.getMemory(stat));
    }

    @Override
    public int access(String path, int mask) {
        return Syscalls.access(this.rootFd, backing(path), mask);
    }

    @Override
    public int chmod(String path, long mode) {
        return Syscalls.chmod(this.rootFd, backing(path), (int) mode);
    }

    /** lchown(2): uid or gid -1 (which arrives as 0xFFFFFFFF) leaves it alone. */
    @Override
    public int chown(String path, long uid, long gid) {
        return Syscalls.lchown(this.rootFd, backing(path), (int) uid, (int) gid);
    }

    /**
     * utimensat(2) with the kernel's times as they are: nanoseconds, UTIME_NOW and UTIME_OMIT included
     * (the annotation tells the engine so; without it a change of one time alone never arrives).
     */
    @AcceptsUtimeNowAndOmit
    @Override
    public int utimens(String path, Timespec[] timespec) {
        return Syscalls.utimensat(this.rootFd, backing(path), timespec[0].tv_sec.get(), timespec[0].tv_nsec.longValue(),
                timespec[1].tv_sec.get(), timespec[1].tv_nsec.longValue());
    }

    @Override
    public int statfs(String path, Statvfs stbuf) {
        return Syscalls.fstatvfs(this.rootFd, Struct.getMemory(stbuf));
    }

    // ------------------------------------------------------------------ extended attributes

    @Override
    public int setxattr(String path, String name, Pointer value, long size, int flags) {
        return Syscalls.lsetxattr(absolute(path), name, value, size, flags);
    }

    /** The value's length; with size 0 only the length (what the kernel asks first). */
    @Override
    public int getxattr(String path, String name, Pointer value, long size) {
        return (int) Syscalls.lgetxattr(absolute(path), name, (size == 0) ? null : value, size);
    }

    @Override
    public int listxattr(String path, Pointer list, long size) {
        return (int) Syscalls.llistxattr(absolute(path), (size == 0) ? null : list, size);
    }

    @Override
    public int removexattr(String path, String name) {
        return Syscalls.lremovexattr(absolute(path), name);
    }

    // ------------------------------------------------------------------ directories and names

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filter, long offset, FuseFileInfo fi) {
        int dir = Syscalls.open(this.rootFd, backing(path), O_RDONLY | O_DIRECTORY, 0);
        if (dir < 0) {
            return dir;
        }
        // offset 0 and a null stat: the engine collects the whole listing and pages it to the kernel itself.
        // The directory is listed through its descriptor's /proc name, which is short however deep it is.
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc/self/fd/" + dir))) {
            filter.apply(buf, ".", null, 0);
            filter.apply(buf, "..", null, 0);
            for (Path entry : entries) {
                filter.apply(buf, entry.getFileName().toString(), null, 0);
            }
            return 0;
        }
        catch (IOException ex) {
            return ErrnoMapping.negated(ex);
        }
        finally {
            Syscalls.close(dir);
        }
    }

    @Override
    public int mkdir(String path, long mode) {
        String dir = backing(path);
        int result = Syscalls.mkdir(this.rootFd, dir, (int) mode);
        return (result < 0) ? result : finishCreation(dir, -1, (int) mode);
    }

    /** Regular files, FIFOs (mkfifo), sockets and device nodes. */
    @Override
    public int mknod(String path, long mode, long rdev) {
        String node = backing(path);
        int result = Syscalls.mknod(this.rootFd, node, (int) mode, rdev);
        return (result < 0) ? result : finishCreation(node, -1, (int) mode);
    }

    /** {@code target} is the link's text, stored as given (it is resolved by whoever follows the link). */
    @Override
    public int symlink(String target, String linkPath) {
        String link = backing(linkPath);
        int result = Syscalls.symlink(target, this.rootFd, link);
        return (result < 0) ? result : finishCreation(link, -1, -1);
    }

    @Override
    public int readlink(String path, Pointer buf, long size) {
        // the engine wants a NUL-terminated string, truncated to fit (as libfuse does)
        long length = Syscalls.readlink(this.rootFd, backing(path), buf, size - 1);
        if (length < 0) {
            return (int) length;
        }
        buf.putByte(length, (byte) 0);
        return 0;
    }

    @Override
    public int rmdir(String path) {
        return Syscalls.rmdir(this.rootFd, backing(path));
    }

    @Override
    public int unlink(String path) {
        return Syscalls.unlink(this.rootFd, backing(path));
    }

    /** rename(2): replaces an existing target atomically. */
    @Override
    public int rename(String oldpath, String newpath) {
        return Syscalls.rename(this.rootFd, backing(oldpath), backing(newpath));
    }

    /**
     * renameat2(2) with the caller's flags (RENAME_NOREPLACE, RENAME_EXCHANGE, RENAME_WHITEOUT): the
     * backing filesystem decides what it supports. Plain renames (flags 0) arrive here too.
     */
    @Override
    public int rename(String oldpath, String newpath, int flags) {
        return (flags == 0) ? rename(oldpath, newpath)
                : Syscalls.rename(this.rootFd, backing(oldpath), backing(newpath), flags);
    }

    /** A hard link is a new name, not a new file: it keeps its owner. */
    @Override
    public int link(String oldpath, String newpath) {
        return Syscalls.link(this.rootFd, backing(oldpath), backing(newpath));
    }

    /**
     * Makes a node the caller created look as if the caller had created it directly: gives it to the
     * caller, and sets the mode the kernel asked for (the JVM's own umask took bits away; the kernel
     * applied the caller's already). On failure the node is removed again, so a failed call leaves
     * nothing behind. {@code mode} -1: a symbolic link, whose mode means nothing.
     */
    private int finishCreation(String node, int fd, int mode) {
        int result = giveToCaller(node, fd);
        if (result >= 0 && mode != -1) {
            result = restoreMode(node, fd, mode);
        }
        if (result < 0) {
            if (fd >= 0) {
                Syscalls.close(fd);
            }
            if (Syscalls.rmdir(this.rootFd, node) < 0) {
                Syscalls.unlink(this.rootFd, node);
            }
        }
        return result;
    }

    /**
     * The caller's uid and gid for a new node, as libfuse's passthrough examples leave to the
     * administrator: only a privileged server can give files away, and then must, or every file another
     * user creates through {@code allow_other} would be root's (and that user could not change it).
     * A set-group-ID parent directory keeps its group on the node, as on any Linux filesystem.
     */
    private int giveToCaller(String node, int fd) {
        if (!this.privileged) {
            return 0;
        }
        FuseContext caller = getContext();
        int uid = caller.uid.intValue();
        int gid = caller.gid.intValue();
        if (uid == Syscalls.geteuid() && gid == Syscalls.getegid()) {
            return 0; // created by the server's own user: already right
        }
        int parentMode = Syscalls.mode(this.rootFd, parent(node));
        if (parentMode < 0) {
            return parentMode;
        }
        int group = ((parentMode & Syscalls.S_ISGID) != 0) ? UNCHANGED_ID : gid;
        return (fd >= 0) ? Syscalls.fchown(fd, uid, group) : Syscalls.lchown(this.rootFd, node, uid, group);
    }

    /**
     * Sets the permission bits the kernel asked for. A new directory keeps the set-group-ID bit it
     * inherited from its parent; chown(2) above may have cleared set-user/group-ID, and this sets them back.
     */
    private int restoreMode(String node, int fd, int mode) {
        int current = (fd >= 0) ? Syscalls.mode(fd) : Syscalls.mode(this.rootFd, node);
        if (current < 0) {
            return current;
        }
        int wanted = (mode & 07777) | (isDirectory(current) ? current & Syscalls.S_ISGID : 0);
        if ((current & 07777) == wanted) {
            return 0;
        }
        return (fd >= 0) ? Syscalls.fchmod(fd, wanted) : Syscalls.chmod(this.rootFd, node, wanted);
    }

    private static boolean isDirectory(int mode) {
        return (mode & 0170000) == 0040000;
    }

    // ------------------------------------------------------------------ files

    /**
     * open(2) with O_CREAT|O_EXCL and the caller's access mode, whatever it is ({@code O_RDONLY}
     * included). Without O_EXCL the name may have been taken since the kernel looked: then the file
     * there is opened, and left as it is.
     */
    @Override
    public int create(String path, long mode, FuseFileInfo fi) {
        String file = backing(path);
        int flags = fi.flags.get() & ~NOT_PASSED_ON;
        while (true) {
            int fd = Syscalls.open(this.rootFd, file, flags | Syscalls.O_CREAT | Syscalls.O_EXCL, (int) mode);
            if (fd >= 0) {
                int result = finishCreation(file, fd, (int) mode);
                return (result < 0) ? result : register(fi, fd);
            }
            if (fd != -ErrorCodes.EEXIST() || (flags & Syscalls.O_EXCL) != 0) {
                return fd;
            }
            fd = Syscalls.open(this.rootFd, file, flags & ~Syscalls.O_CREAT, 0);
            if (fd != -ErrorCodes.ENOENT()) {
                return (fd < 0) ? fd : register(fi, fd);
            }
            // removed again in between: try to create it once more
        }
    }

    /** open(2) with the caller's flags; O_TRUNC arrives only with atomic_o_trunc, else as a truncate. */
    @Override
    public int open(String path, FuseFileInfo fi) {
        int fd = Syscalls.open(this.rootFd, backing(path), fi.flags.get() & ~NOT_PASSED_ON, 0);
        return (fd < 0) ? fd : register(fi, fd);
    }

    private int register(FuseFileInfo fi, int fd) {
        this.openFiles.add(fd);
        fi.fh.set(fd);
        return 0;
    }

    private static int fd(FuseFileInfo fi) {
        return (int) fi.fh.get();
    }

    @Override
    public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        return (int) Syscalls.preadFully(fd(fi), buf, size, offset);
    }

    @Override
    public int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        return (int) Syscalls.pwriteFully(fd(fi), buf, size, offset);
    }

    @Override
    public int truncate(String path, long size) {
        return Syscalls.truncate(this.rootFd, backing(path), size);
    }

    /**
     * ftruncate(2) of the open file. An {@code O_RDONLY|O_TRUNC} open also arrives here, with a
     * descriptor that cannot be truncated (EINVAL): the kernel has checked the caller may write the
     * file, so it is truncated by name.
     */
    @Override
    public int ftruncate(String path, long size, FuseFileInfo fi) {
        int result = Syscalls.ftruncate(fd(fi), size);
        if (result == -ErrorCodes.EINVAL() || result == -ErrorCodes.EBADF()) {
            return Syscalls.truncate(this.rootFd, backing(path), size);
        }
        return result;
    }

    @Override
    public int fallocate(String path, int mode, long off, long length, FuseFileInfo fi) {
        return Syscalls.fallocate(fd(fi), mode, off, length);
    }

    /** SEEK_DATA and SEEK_HOLE: lseek(2) of the backing file, so its holes show through the mount. */
    @Override
    public long lseek(String path, long offset, int whence, FuseFileInfo fi) {
        return Syscalls.lseek(fd(fi), offset, whence);
    }

    /** copy_file_range(2) between the backing files: the backing filesystem may share blocks instead of copying. */
    @Override
    public long copyFileRange(String pathIn, FuseFileInfo fiIn, long offsetIn, String pathOut, FuseFileInfo fiOut,
            long offsetOut, long size, int flags) {
        return Syscalls.copyFileRange(fd(fiIn), offsetIn, fd(fiOut), offsetOut, size, flags);
    }

    /** Called on every close(2) of a descriptor: reports what closing the backing file would. */
    @Override
    public int flush(String path, FuseFileInfo fi) {
        return Syscalls.flush(fd(fi));
    }

    /** Really forces the backing file to the disk: this is what makes an fsync through the mount durable. */
    @Override
    public int fsync(String path, int isdatasync, FuseFileInfo fi) {
        return Syscalls.fsync(fd(fi), isdatasync != 0);
    }

    /** The last descriptor of an open file was closed: close the backing file. */
    @Override
    public int release(String path, FuseFileInfo fi) {
        int fd = fd(fi);
        return this.openFiles.remove(fd) ? Syscalls.close(fd) : 0;
    }

    /**
     * Closes the files the kernel never released: after an unmount that had to abort the connection
     * (a process kept a file open past the unmount timeout) no release comes. Spring calls this when the
     * bean is destroyed, which is after the unmount.
     */
    @Override
    public void close() {
        for (Integer fd : List.copyOf(this.openFiles)) {
            if (this.openFiles.remove(fd)) {
                Syscalls.close(fd);
            }
        }
        Syscalls.close(this.rootFd);
    }

}
