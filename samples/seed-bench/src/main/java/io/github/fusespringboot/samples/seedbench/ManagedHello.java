// HelloFuse's filesystem on ManagedFuseStubFS: the same file, without jnr-fuse's per-instance binding.
package io.github.fusespringboot.samples.seedbench;

import java.nio.charset.StandardCharsets;

import io.github.fusespringboot.mount.ManagedFuseStubFS;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.examples.HelloFuse;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/** Serves {@code /hello} with "Hello World!", like jnr-fuse's HelloFuse, but is free to construct. */
final class ManagedHello extends ManagedFuseStubFS {

    private static final byte[] CONTENT = HelloFuse.HELLO_STR.getBytes(StandardCharsets.UTF_8);

    @Override
    public int getattr(String path, FileStat stat) {
        if (path.equals("/")) {
            stat.st_mode.set(FileStat.S_IFDIR | 0755);
            stat.st_nlink.set(2);
            return 0;
        }
        if (path.equals(HelloFuse.HELLO_PATH)) {
            stat.st_mode.set(FileStat.S_IFREG | 0444);
            stat.st_nlink.set(1);
            stat.st_size.set(CONTENT.length);
            return 0;
        }
        return -ErrorCodes.ENOENT();
    }

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filler, long offset, FuseFileInfo fi) {
        if (!path.equals("/")) {
            return -ErrorCodes.ENOENT();
        }
        filler.apply(buf, ".", null, 0);
        filler.apply(buf, "..", null, 0);
        filler.apply(buf, HelloFuse.HELLO_PATH.substring(1), null, 0);
        return 0;
    }

    @Override
    public int open(String path, FuseFileInfo fi) {
        return path.equals(HelloFuse.HELLO_PATH) ? 0 : -ErrorCodes.ENOENT();
    }

    @Override
    public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        if (!path.equals(HelloFuse.HELLO_PATH)) {
            return -ErrorCodes.ENOENT();
        }
        if (offset >= CONTENT.length) {
            return 0;
        }
        int length = (int) Math.min(size, CONTENT.length - offset);
        buf.put(0, CONTENT, (int) offset, length);
        return length;
    }

}
