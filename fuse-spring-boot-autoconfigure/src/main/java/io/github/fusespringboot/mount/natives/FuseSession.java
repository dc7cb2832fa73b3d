// A libfuse2 high-level session built on a /dev/fuse descriptor we opened and mounted ourselves.
package io.github.fusespringboot.mount.natives;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.kenai.jffi.MemoryIO;
import io.github.fusespringboot.mount.serve.ServingSession;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.FuseFS;

/**
 * One {@code struct fuse} over a {@code /dev/fuse} descriptor: {@code fuse_kern_chan_new} +
 * {@code fuse_new} (FUSE_2.6), with requests read by the engine's own threads and handed to
 * {@code fuse_session_process}. Reading ourselves (instead of {@code fuse_loop}) lets the engine own
 * its threads, see the INIT request go by, and end quietly when the kernel ends the connection,
 * where libfuse would print "fuse: reading device: ..." for ECONNABORTED.
 *
 * <p>
 * Owns the descriptor from {@link #create} on: {@link #destroy()} closes it (through
 * {@code fuse_destroy}), and a failed {@link #create} has closed it already.
 */
public final class FuseSession implements ServingSession {

    /** {@code FUSE_INIT} in include/linux/fuse.h. */
    private static final int FUSE_INIT = 26;

    /** {@code sizeof(struct fuse_in_header)}. */
    private static final int IN_HEADER_SIZE = 40;

    private static final MemoryIO MEMORY = MemoryIO.getInstance();

    private static final ThreadLocal<RequestBuffer> BUFFERS = new ThreadLocal<>();

    private static volatile long anchor;

    private final int fd;

    private final long chan;

    private final long fuse;

    private final long session;

    private final long id;

    private final int bufferSize;

    private volatile boolean destroyed;

    private FuseSession(int fd, long chan, long fuse, long session, long id, int bufferSize) {
        this.fd = fd;
        this.chan = chan;
        this.fuse = fuse;
        this.session = session;
        this.id = id;
        this.bufferSize = bufferSize;
    }

    /** Whether libfuse2 could be loaded and bound. */
    public static boolean isAvailable() {
        return Native.isAvailable() && LibFuse2.unavailabilityCause() == null;
    }

    /** Why {@link #isAvailable()} is false, or {@code null}. */
    public static Throwable unavailabilityCause() {
        return (Native.unavailabilityCause() != null) ? Native.unavailabilityCause() : LibFuse2.unavailabilityCause();
    }

    /**
     * Builds the session. {@code libraryOptions} are libfuse options ({@code big_writes},
     * {@code max_write=N}, ...) passed as {@code -o} arguments; libfuse rejects unknown ones.
     * @throws NativeCallException when libfuse refuses; the descriptor is closed then
     */
    public static FuseSession create(int fd, List<String> libraryOptions, FuseFS filesystem,
            SessionCallbacks callbacks) {
        LibFuse2 lib;
        OperationsTable table;
        try {
            lib = LibFuse2.get();
            table = OperationsTable.forClass(filesystem.getClass());
            ensureAnchor(lib);
        }
        catch (RuntimeException | Error ex) {
            Native.close(fd);
            throw ex;
        }
        long chan = lib.kernChanNew(fd);
        if (chan == 0) {
            Native.close(fd);
            throw new NativeCallException("fuse_kern_chan_new", "out of memory");
        }
        long id = OperationsTable.register(callbacks);
        long fuse = newFuse(lib, chan, libraryOptions, table.address(), table.size(), id);
        if (fuse == 0) {
            OperationsTable.unregister(id);
            // Option errors fail inside fuse_new before the channel joins the session, so the channel
            // (and with it the fd) is still ours to free (lib/fuse.c: fuse_new_common, out_free_fs).
            lib.chanDestroy(chan);
            throw new NativeCallException("fuse_new",
                    "libfuse refused the options " + libraryOptions + " (its reason is on standard error)");
        }
        int bufferSize = (int) lib.chanBufsize(chan);
        return new FuseSession(fd, chan, fuse, lib.getSession(fuse), id, bufferSize);
    }

    private static long newFuse(LibFuse2 lib, long chan, List<String> libraryOptions, long ops, long opsSize,
            long userData) {
        List<String> argv = new ArrayList<>();
        argv.add("fuse-spring-boot");
        if (!libraryOptions.isEmpty()) {
            argv.add("-o");
            argv.add(String.join(",", libraryOptions));
        }
        try (NativeArgs args = new NativeArgs(argv)) {
            long fuse = lib.fuseNew(chan, args.address(), ops, opsSize, userData);
            // fuse_opt_parse swaps in argument vectors it allocated; free them (ours stay untouched)
            lib.optFreeArgs(args.address());
            return fuse;
        }
    }

    /**
     * libfuse deletes its thread-local context key whenever the number of live {@code struct fuse}
     * drops to zero, leaking every thread's context (lib/fuse.c: fuse_delete_context_key). One idle
     * {@code struct fuse} on a descriptor-less channel, never destroyed, keeps the key alive.
     */
    private static void ensureAnchor(LibFuse2 lib) {
        if (anchor != 0) {
            return;
        }
        synchronized (FuseSession.class) {
            if (anchor == 0) {
                long chan = lib.kernChanNew(-1);
                Pointer emptyOps = Memory.allocateDirect(Native.runtime(), 512, true);
                long fuse = newFuse(lib, chan, List.of(), emptyOps.address(), 0, 0);
                if (fuse == 0) {
                    lib.chanDestroy(chan);
                    throw new NativeCallException("fuse_new", "cannot create libfuse's context anchor");
                }
                anchor = fuse;
            }
        }
    }

    /** The context of the request the calling thread is serving (jnr-fuse's struct over libfuse's). */
    public static ru.serce.jnrfuse.struct.FuseContext currentContext() {
        return ru.serce.jnrfuse.struct.FuseContext.of(Pointer.wrap(Native.runtime(), LibFuse2.get().getContext()));
    }

    @Override
    public int fd() {
        return this.fd;
    }

    @Override
    public RequestBuffer buffer() {
        RequestBuffer buffer = BUFFERS.get();
        if (buffer == null || buffer.size < this.bufferSize) {
            buffer = new RequestBuffer(Memory.allocateDirect(Native.runtime(), this.bufferSize, false),
                    this.bufferSize);
            BUFFERS.set(buffer);
        }
        return buffer;
    }

    /**
     * Reads one request. Returns its length, or a negative errno: {@code -ENODEV} once the file
     * system is unmounted, {@code -ECONNABORTED} once the connection was aborted, {@code -EINTR} /
     * {@code -EAGAIN} / {@code -ENOENT} (an interrupted request) to simply read again.
     */
    @Override
    public int receive(ServingSession.Buffer request) {
        RequestBuffer buffer = (RequestBuffer) request;
        long read = Native.libc().read(this.fd, buffer.memory, this.bufferSize);
        if (read < 0) {
            return -Native.lastErrno();
        }
        if (read < IN_HEADER_SIZE) {
            return -Errno.EIO;
        }
        return (int) read;
    }

    @Override
    public boolean isInit(ServingSession.Buffer request) {
        RequestBuffer buffer = (RequestBuffer) request;
        return MEMORY.getInt(buffer.memory.address() + 4) == FUSE_INIT;
    }

    @Override
    public void process(ServingSession.Buffer request, int length) {
        RequestBuffer buffer = (RequestBuffer) request;
        LibFuse2.get().sessionProcess(this.session, buffer.memory.address(), length, this.chan);
    }

    /**
     * Frees the session: calls the filesystem's destroy, closes the descriptor. Only once every
     * thread has stopped reading; idempotent.
     */
    @Override
    public synchronized void destroy() {
        if (this.destroyed) {
            return;
        }
        this.destroyed = true;
        try {
            LibFuse2.get().fuseDestroy(this.fuse);
        }
        finally {
            OperationsTable.unregister(this.id);
        }
    }

    /** A thread's buffer for one request. */
    public static final class RequestBuffer implements ServingSession.Buffer {

        private final Pointer memory;

        private final int size;

        private RequestBuffer(Pointer memory, int size) {
            this.memory = memory;
            this.size = size;
        }

    }

    /** {@code struct fuse_args} with its strings, in native memory freed on close. */
    private static final class NativeArgs implements AutoCloseable {

        private final long block;

        NativeArgs(List<String> argv) {
            List<byte[]> strings = argv.stream().map((s) -> s.getBytes(StandardCharsets.UTF_8)).toList();
            long header = 24; // int argc; char **argv; int allocated;
            long vector = 8L * (strings.size() + 1);
            long text = strings.stream().mapToLong((b) -> b.length + 1).sum();
            this.block = MEMORY.allocateMemory(header + vector + text, true);
            long vectorAt = this.block + header;
            long textAt = vectorAt + vector;
            for (int i = 0; i < strings.size(); i++) {
                byte[] bytes = strings.get(i);
                MEMORY.putZeroTerminatedByteArray(textAt, bytes, 0, bytes.length);
                MEMORY.putAddress(vectorAt + 8L * i, textAt);
                textAt += bytes.length + 1;
            }
            MEMORY.putInt(this.block, strings.size());
            MEMORY.putAddress(this.block + 8, vectorAt);
            MEMORY.putInt(this.block + 16, 0);
        }

        long address() {
            return this.block;
        }

        @Override
        public void close() {
            MEMORY.freeMemory(this.block);
        }

    }

}
