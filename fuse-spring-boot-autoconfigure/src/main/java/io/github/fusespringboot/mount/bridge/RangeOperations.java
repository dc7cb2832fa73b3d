// LSEEK (SEEK_DATA/SEEK_HOLE) and COPY_FILE_RANGE, for filesystems extending ManagedFuseStubFS.
package io.github.fusespringboot.mount.bridge;

import io.github.fusespringboot.mount.ManagedFuseStubFS;
import io.github.fusespringboot.mount.natives.Errno;
import io.github.fusespringboot.mount.natives.NativeBuffer;
import io.github.fusespringboot.mount.protocol.Replies;
import io.github.fusespringboot.mount.protocol.Requests;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * The two operations jnr-fuse's {@code FuseFS} has no method for; {@link ManagedFuseStubFS} adds them.
 * A filesystem that does not override them is answered ENOSYS, as libfuse answers a missing
 * operation: the kernel then stops sending the opcode for the mount and answers lseek from its
 * cached size, copy_file_range by reading and writing through the mount itself.
 */
final class RangeOperations {

    private final FilesystemBridge bridge;

    RangeOperations(FilesystemBridge bridge) {
        this.bridge = bridge;
    }

    /** FUSE_LSEEK: the kernel sends only SEEK_DATA and SEEK_HOLE; the reply is the offset found. */
    int lseek(Exchange ex, long node) {
        Requests.Lseek request = Requests.Lseek.decode(ex.body);
        if (!this.bridge.implemented.lseek) {
            return -Errno.ENOSYS;
        }
        String path = this.bridge.nodes.pathOrLast(node);
        if (path == null) {
            return -Errno.ENOENT;
        }
        long[] found = new long[1];
        int result = this.bridge.call("lseek", path, (fs) -> {
            long offset = ((ManagedFuseStubFS) fs).lseek(path, request.offset(), request.whence(),
                    ex.fileInfo(0, request.fh()));
            found[0] = offset;
            return (offset >= 0) ? 0 : errno(offset);
        });
        if (result != 0) {
            return (result > 0) ? -Errno.EIO : result;
        }
        return Replies.lseek(ex.out(), 0, found[0]);
    }

    /**
     * FUSE_COPY_FILE_RANGE: both files are open on this mount ({@code nodeid_out} names the second);
     * the reply is a {@code fuse_write_out} with the bytes copied, at most the length asked (the kernel
     * never asks for more than fits in its 32 bits).
     */
    int copyFileRange(Exchange ex, long node) {
        Requests.CopyFileRange request = Requests.CopyFileRange.decode(ex.body);
        if (!this.bridge.implemented.copyFileRange) {
            return -Errno.ENOSYS;
        }
        String pathIn = this.bridge.nodes.pathOrLast(node);
        String pathOut = this.bridge.nodes.pathOrLast(request.nodeIdOut());
        if (pathIn == null || pathOut == null) {
            return -Errno.ENOENT;
        }
        long length = request.length();
        NativeBuffer second = new NativeBuffer(64); // the exchange holds one fuse_file_info; this call needs two
        FuseFileInfo fiOut = FuseFileInfo.of(second.pointer(0, 64));
        fiOut.fh.set(request.fhOut());
        long[] copied = new long[1];
        int result = this.bridge.call("copyFileRange", pathIn, (fs) -> {
            long bytes = ((ManagedFuseStubFS) fs).copyFileRange(pathIn, ex.fileInfo(0, request.fhIn()),
                    request.offsetIn(), pathOut, fiOut, request.offsetOut(), length, (int) request.flags());
            copied[0] = bytes;
            return (bytes >= 0) ? 0 : errno(bytes);
        });
        if (result != 0) {
            return (result > 0) ? -Errno.EIO : result;
        }
        long bytes = Math.min(copied[0], Math.min(length, 0xffffffffL));
        return Replies.write(ex.out(), 0, (int) bytes);
    }

    /** A negative long result as a negative errno ({@code -EIO} for one that is no errno). */
    private static int errno(long result) {
        return (result < -4095) ? -Errno.EIO : (int) result;
    }

}
