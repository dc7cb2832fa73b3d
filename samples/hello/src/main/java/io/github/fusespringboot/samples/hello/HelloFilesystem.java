// A read-only filesystem with one file, /hello.txt, written the jnr-fuse way on ManagedFuseStubFS.
package io.github.fusespringboot.samples.hello;

import java.nio.charset.StandardCharsets;

import io.github.fusespringboot.mount.ManagedFuseStubFS;
import jnr.ffi.Pointer;
import jnr.ffi.types.dev_t;
import jnr.ffi.types.gid_t;
import jnr.ffi.types.mode_t;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.uid_t;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * Serves a directory holding {@code hello.txt}; every change is refused with {@code EROFS}, as on a
 * read-only filesystem, even when it is mounted without {@code ro} (then the kernel asks this class).
 * It extends {@link ManagedFuseStubFS}, the starter's drop-in for jnr-fuse's {@code FuseStubFS} (same
 * methods, same types) that needs no libfuse at all: no libfuse2 binding per instance, and the
 * engine mounts it where libfuse2 is not installed.
 */
public class HelloFilesystem extends ManagedFuseStubFS {

    static final String FILE = "/hello.txt";

    private final byte[] content;

    public HelloFilesystem(String content) {
        this.content = content.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public int getattr(String path, FileStat stat) {
        if ("/".equals(path)) {
            stat.st_mode.set(FileStat.S_IFDIR | 0555);
            stat.st_nlink.set(2);
            return 0;
        }
        if (FILE.equals(path)) {
            stat.st_mode.set(FileStat.S_IFREG | 0444);
            stat.st_nlink.set(1);
            stat.st_size.set(this.content.length);
            return 0;
        }
        return -ErrorCodes.ENOENT();
    }

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filler, @off_t long offset, FuseFileInfo fi) {
        if (!"/".equals(path)) {
            return FILE.equals(path) ? -ErrorCodes.ENOTDIR() : -ErrorCodes.ENOENT();
        }
        filler.apply(buf, ".", null, 0);
        filler.apply(buf, "..", null, 0);
        filler.apply(buf, FILE.substring(1), null, 0);
        return 0;
    }

    @Override
    public int open(String path, FuseFileInfo fi) {
        if (!FILE.equals(path)) {
            return -ErrorCodes.ENOENT();
        }
        // O_ACCMODE: only O_RDONLY is allowed
        if ((fi.flags.get() & 3) != 0) {
            return -ErrorCodes.EROFS();
        }
        return 0;
    }

    @Override
    public int read(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        if (!FILE.equals(path)) {
            return -ErrorCodes.ENOENT();
        }
        if (offset >= this.content.length) {
            return 0;
        }
        int length = (int) Math.min(size, this.content.length - offset);
        buf.put(0, this.content, (int) offset, length);
        return length;
    }

    // ------------------------------------------------------------------ read-only: every change is EROFS

    private static int readOnly() {
        return -ErrorCodes.EROFS();
    }

    @Override
    public int create(String path, @mode_t long mode, FuseFileInfo fi) {
        return readOnly();
    }

    @Override
    public int mknod(String path, @mode_t long mode, @dev_t long rdev) {
        return readOnly();
    }

    @Override
    public int mkdir(String path, @mode_t long mode) {
        return readOnly();
    }

    @Override
    public int unlink(String path) {
        return readOnly();
    }

    @Override
    public int rmdir(String path) {
        return readOnly();
    }

    @Override
    public int symlink(String oldpath, String newpath) {
        return readOnly();
    }

    @Override
    public int rename(String oldpath, String newpath) {
        return readOnly();
    }

    @Override
    public int link(String oldpath, String newpath) {
        return readOnly();
    }

    @Override
    public int chmod(String path, @mode_t long mode) {
        return readOnly();
    }

    @Override
    public int chown(String path, @uid_t long uid, @gid_t long gid) {
        return readOnly();
    }

    @Override
    public int truncate(String path, @off_t long size) {
        return readOnly();
    }

    @Override
    public int utimens(String path, Timespec[] timespec) {
        return readOnly();
    }

    @Override
    public int setxattr(String path, String name, Pointer value, @size_t long size, int flags) {
        return readOnly();
    }

    @Override
    public int removexattr(String path, String name) {
        return readOnly();
    }

}
