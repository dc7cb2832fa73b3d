// One serving thread's request, reply payload and the jnr-fuse structs the filesystem fills.
package io.github.fusespringboot.mount.bridge;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.github.fusespringboot.mount.natives.NativeBuffer;
import io.github.fusespringboot.mount.protocol.Attr;
import io.github.fusespringboot.mount.protocol.Body;
import io.github.fusespringboot.mount.protocol.InHeader;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.Flock;
import ru.serce.jnrfuse.struct.FuseContext;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * Everything one request needs, allocated once per serving thread and reused: the request as read
 * from the device, the reply payload the filesystem writes into, and the native {@code struct stat},
 * {@code struct fuse_file_info}, {@code struct statvfs}, {@code struct timespec[2]},
 * {@code struct flock} and {@code struct fuse_context} that jnr-fuse callbacks take (the same layouts libfuse2 hands them).
 */
public final class Exchange {

    // offsets in the scratch block; each struct gets room beyond its size
    private static final int STAT_AT = 0;

    private static final int FILE_INFO_AT = 256;

    private static final int STATVFS_AT = 320;

    private static final int TIMES_AT = 448;

    private static final int CONN_AT = 512;

    private static final int CONTEXT_AT = 640;

    private static final int FLOCK_AT = 768;

    /** {@code offsetof(struct fuse_file_info, fh_old) + 12}: the bit-field word after {@code writepage}. */
    static final int FILE_INFO_BITS = 20;

    static final int FILE_INFO_WRITEPAGE = 16;

    /** Where a WRITE request's data starts: after the in-header and {@code struct fuse_write_in}. */
    private static final int WRITE_DATA_AT = InHeader.SIZE + 40;

    public final InHeader header = new InHeader();

    public final Body body = new Body();

    public final NativeBuffer request;

    public final NativeBuffer payload;

    final Attr attr = new Attr();

    /** The reusable calls of the busiest opcodes (no lambda per request). */
    final HotCalls calls = new HotCalls();

    private final NativeBuffer scratch = new NativeBuffer(1024);

    final FileStat stat;

    final FuseFileInfo fileInfo;

    final Statvfs statvfs;

    final Timespec[] times;

    final FuseContext context;

    final Flock flock;

    /** The bridge this exchange is serving a request of now, or null between requests (for INTERRUPT). */
    volatile FilesystemBridge servingFor;

    /** The unique of the request in progress, while {@link #servingFor} is set. */
    volatile long unique;

    /** Whether the kernel sent FUSE_INTERRUPT for the request in progress. */
    volatile boolean interrupted;

    /** The bridge whose set of exchanges this one joined last (joining once per bridge, not per request). */
    FilesystemBridge registeredWith;

    private final Pointer replySlice;

    private Pointer requestSlice;

    private int requestSliceAt = -1;

    private ByteBuffer plainDirents;

    private byte[] nameScratch = new byte[256];

    /** The umask of a CREATE/MKNOD/MKDIR request (0 for the others), for {@code getContext()}. */
    int umask;

    /** Whether {@link #context} holds this request's caller yet ({@link CallerContext} fills it on demand). */
    boolean contextFilled;

    public Exchange(int requestSize, int payloadSize) {
        // a WRITE's data (after the in-header and fuse_write_in) and a reply's payload start pages
        this.request = NativeBuffer.pageAligned(requestSize, WRITE_DATA_AT);
        this.payload = NativeBuffer.pageAligned(payloadSize, 0);
        this.replySlice = this.payload.dataPointer(0, payloadSize);
        this.stat = FileStat.of(this.scratch.pointer(STAT_AT, 256));
        this.fileInfo = FuseFileInfo.of(this.scratch.pointer(FILE_INFO_AT, 64));
        this.statvfs = Statvfs.of(this.scratch.pointer(STATVFS_AT, 128));
        this.times = new Timespec[] { Timespec.of(this.scratch.pointer(TIMES_AT, 16)),
                Timespec.of(this.scratch.pointer(TIMES_AT + 16, 16)) };
        this.context = FuseContext.of(this.scratch.pointer(CONTEXT_AT, 64));
        this.flock = Flock.of(this.scratch.pointer(FLOCK_AT, 64));
    }

    /** The reply payload as a little-endian buffer. */
    public ByteBuffer out() {
        return this.payload.buffer();
    }

    /** The request as a little-endian buffer. */
    public ByteBuffer in() {
        return this.request.buffer();
    }

    FileStat clearedStat() {
        this.scratch.clear(STAT_AT, 256);
        return this.stat;
    }

    /** A buffer of at least {@code size} bytes for plain dirents that READDIRPLUS converts. */
    ByteBuffer plainDirents(int size) {
        if (this.plainDirents == null || this.plainDirents.capacity() < size) {
            this.plainDirents = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        }
        return this.plainDirents;
    }

    /** A scratch array of at least {@code size} bytes for one entry name. */
    byte[] nameScratch(int size) {
        if (this.nameScratch.length < size) {
            this.nameScratch = new byte[size];
        }
        return this.nameScratch;
    }

    /** A zeroed {@code struct flock}. */
    Flock clearedFlock() {
        this.scratch.clear(FLOCK_AT, 64);
        return this.flock;
    }

    Statvfs clearedStatvfs() {
        this.scratch.clear(STATVFS_AT, 128);
        return this.statvfs;
    }

    /** A zeroed {@code fuse_file_info} with {@code flags} and {@code fh} set. */
    FuseFileInfo fileInfo(int flags, long fh) {
        this.scratch.clear(FILE_INFO_AT, 64);
        this.fileInfo.flags.set(flags);
        this.fileInfo.fh.set(fh);
        return this.fileInfo;
    }

    /** The bit-field word of the file info (direct_io, keep_cache, flush, nonseekable, flock_release). */
    int fileInfoBits() {
        return this.scratch.pointer().getInt(FILE_INFO_AT + FILE_INFO_BITS);
    }

    void fileInfoBits(int bits) {
        this.scratch.pointer().putInt(FILE_INFO_AT + FILE_INFO_BITS, bits);
    }

    void fileInfoWritepage(int writepage) {
        this.scratch.pointer().putInt(FILE_INFO_AT + FILE_INFO_WRITEPAGE, writepage);
    }

    /** A zeroed {@code struct fuse_conn_info} (libfuse 2.9) with the negotiated values, for {@code init}. */
    Pointer connectionInfo(int major, int minor, int maxWrite, int maxReadahead, boolean asyncRead) {
        this.scratch.clear(CONN_AT, 128);
        Pointer conn = this.scratch.pointer(CONN_AT, 128);
        conn.putInt(0, major);
        conn.putInt(4, minor);
        conn.putInt(8, asyncRead ? 1 : 0);
        conn.putInt(12, maxWrite);
        conn.putInt(16, maxReadahead);
        return conn;
    }

    /**
     * The request's bytes from {@code offset} (at least {@code size} of them) as a jnr pointer. The
     * slice for the last offset asked for is kept: WRITE data always starts at the same offset, so the
     * data path allocates no pointer per request.
     */
    Pointer requestPointer(int offset, int size) {
        if (offset != this.requestSliceAt) {
            this.requestSlice = this.request.dataPointer(offset, this.request.size() - offset);
            this.requestSliceAt = offset;
        }
        return this.requestSlice;
    }

    /** The reply payload (at least {@code size} bytes) as a jnr pointer, the same one for every request. */
    Pointer replyPointer(int size) {
        return this.replySlice;
    }

}
