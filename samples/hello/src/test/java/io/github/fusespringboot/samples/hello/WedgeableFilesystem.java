package io.github.fusespringboot.samples.hello;

import java.util.concurrent.CountDownLatch;

import io.github.fusespringboot.mount.ManagedFuseStubFS;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/** An empty directory whose getattr blocks, once armed, until released: a wedged filesystem. */
class WedgeableFilesystem extends ManagedFuseStubFS {

    volatile boolean armed;

    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public int getattr(String path, FileStat stat) {
        if (this.armed) {
            try {
                this.release.await();
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
        if (!path.equals("/")) {
            return -ErrorCodes.ENOENT();
        }
        stat.st_mode.set(FileStat.S_IFDIR | 0755);
        stat.st_nlink.set(2);
        return 0;
    }

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filler, long offset, FuseFileInfo fi) {
        return 0;
    }

}
