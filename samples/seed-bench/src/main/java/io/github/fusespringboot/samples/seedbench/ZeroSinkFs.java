// The throughput scenario's filesystem: /zero reads as zeros, /sink accepts and drops every write.
package io.github.fusespringboot.samples.seedbench;

import io.github.fusespringboot.mount.ManagedFuseStubFS;
import jnr.ffi.Pointer;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * A zero/sink filesystem with the same files as the C reference ({@code src/c/zerofs3.c}): reads of
 * {@code /zero} (1 TiB) clear the reply buffer and nothing else; writes to {@code /sink} are counted
 * as done. What a data-path benchmark measures through it is the FUSE path, not the filesystem.
 */
final class ZeroSinkFs extends ManagedFuseStubFS {

    static final String ZERO = "/zero";

    static final String SINK = "/sink";

    private static final long ZERO_SIZE = 1L << 40;

    @Override
    public int getattr(String path, FileStat stat) {
        switch (path) {
            case "/" -> {
                stat.st_mode.set(FileStat.S_IFDIR | 0755);
                stat.st_nlink.set(2);
            }
            case ZERO -> {
                stat.st_mode.set(FileStat.S_IFREG | 0444);
                stat.st_nlink.set(1);
                stat.st_size.set(ZERO_SIZE);
            }
            case SINK -> {
                stat.st_mode.set(FileStat.S_IFREG | 0666);
                stat.st_nlink.set(1);
            }
            default -> {
                return -ErrorCodes.ENOENT();
            }
        }
        return 0;
    }

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filler, @off_t long offset, FuseFileInfo fi) {
        if (!path.equals("/")) {
            return -ErrorCodes.ENOENT();
        }
        filler.apply(buf, ".", null, 0);
        filler.apply(buf, "..", null, 0);
        filler.apply(buf, ZERO.substring(1), null, 0);
        filler.apply(buf, SINK.substring(1), null, 0);
        return 0;
    }

    @Override
    public int open(String path, FuseFileInfo fi) {
        return path.equals(ZERO) || path.equals(SINK) ? 0 : -ErrorCodes.ENOENT();
    }

    @Override
    public int truncate(String path, @off_t long size) {
        return path.equals(SINK) ? 0 : -ErrorCodes.EACCES();
    }

    @Override
    public int read(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        if (!path.equals(ZERO) || offset >= ZERO_SIZE) {
            return 0;
        }
        int length = (int) Math.min(size, ZERO_SIZE - offset);
        // the buffer is the engine's and reused: clear it (a memset), copy nothing
        buf.setMemory(0, length, (byte) 0);
        return length;
    }

    @Override
    public int write(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        return path.equals(SINK) ? (int) size : -ErrorCodes.EACCES();
    }

}
