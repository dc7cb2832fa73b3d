// A deliberately wrong tiny filesystem: directories only, create answers ENOENT, rmdir of a non-empty one EIO.
package io.github.fusespringboot.test.conformance;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jnr.ffi.Pointer;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * Gets three things wrong on purpose, as real filesystems do: {@code create} fails with ENOENT (as
 * {@code FileChannel.open} does for O_CREAT|O_EXCL|O_RDONLY), {@code rmdir} of a non-empty directory
 * fails with EIO instead of ENOTEMPTY, and every directory reports mode 0777 whatever mkdir asked;
 * and, on demand, it gets stuck in getattr.
 */
class WrongFilesystem extends FuseStubFS {

    private final Set<String> directories = ConcurrentHashMap.newKeySet();

    /** While set, getattr waits for it (at most 30 s): a filesystem stuck in a call. */
    volatile CountDownLatch stuck;

    WrongFilesystem() {
        this.directories.add("/");
    }

    @Override
    public int getattr(String path, FileStat stat) {
        CountDownLatch latch = this.stuck;
        if (latch != null) {
            try {
                latch.await(30, TimeUnit.SECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
        if (!this.directories.contains(path)) {
            return -ErrorCodes.ENOENT();
        }
        stat.st_mode.set(FileStat.S_IFDIR | 0777);
        stat.st_nlink.set(2);
        return 0;
    }

    @Override
    public int mkdir(String path, long mode) {
        return this.directories.add(path) ? 0 : -ErrorCodes.EEXIST();
    }

    @Override
    public int rmdir(String path) {
        if (this.directories.stream().anyMatch((d) -> d.startsWith(path + "/"))) {
            return -ErrorCodes.EIO();
        }
        return this.directories.remove(path) ? 0 : -ErrorCodes.ENOENT();
    }

    @Override
    public int create(String path, long mode, FuseFileInfo fi) {
        return -ErrorCodes.ENOENT();
    }

    @Override
    public int opendir(String path, FuseFileInfo fi) {
        return this.directories.contains(path) ? 0 : -ErrorCodes.ENOENT();
    }

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filter, long offset, FuseFileInfo fi) {
        filter.apply(buf, ".", null, 0);
        filter.apply(buf, "..", null, 0);
        String prefix = path.equals("/") ? "/" : path + "/";
        for (String dir : this.directories) {
            if (dir.startsWith(prefix) && dir.length() > prefix.length() && dir.indexOf('/', prefix.length()) < 0) {
                filter.apply(buf, dir.substring(prefix.length()), null, 0);
            }
        }
        return 0;
    }

}
