// A read-only filesystem with one file, /hello.txt, written the jnr-fuse way (a FuseStubFS, as users write them).
package io.github.fusespringboot.test;

import java.nio.charset.StandardCharsets;

import jnr.ffi.Pointer;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/** Serves a directory holding {@code hello.txt} with the given content. */
public class HelloFilesystem extends FuseStubFS {

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
            return -ErrorCodes.ENOENT();
        }
        filler.apply(buf, ".", null, 0);
        filler.apply(buf, "..", null, 0);
        filler.apply(buf, FILE.substring(1), null, 0);
        return 0;
    }

    @Override
    public int open(String path, FuseFileInfo fi) {
        return FILE.equals(path) ? 0 : -ErrorCodes.ENOENT();
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

}
