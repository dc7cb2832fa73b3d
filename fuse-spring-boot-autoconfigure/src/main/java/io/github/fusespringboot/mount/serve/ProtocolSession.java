// The engine's own FUSE session: requests read from /dev/fuse, answered through the filesystem bridge.
package io.github.fusespringboot.mount.serve;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

import io.github.fusespringboot.mount.bridge.BridgeOptions;
import io.github.fusespringboot.mount.bridge.Exchange;
import io.github.fusespringboot.mount.bridge.FilesystemBridge;
import io.github.fusespringboot.mount.natives.Errno;
import io.github.fusespringboot.mount.natives.FuseDevice;
import io.github.fusespringboot.mount.natives.Native;
import io.github.fusespringboot.mount.natives.NativeBuffer;
import io.github.fusespringboot.mount.natives.SessionCallbacks;
import io.github.fusespringboot.mount.protocol.InHeader;
import io.github.fusespringboot.mount.protocol.InitFlags;
import io.github.fusespringboot.mount.protocol.InitNegotiation;
import io.github.fusespringboot.mount.protocol.MalformedRequestException;
import io.github.fusespringboot.mount.protocol.Opcode;
import io.github.fusespringboot.mount.protocol.OutHeader;
import io.github.fusespringboot.mount.protocol.Requests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.serce.jnrfuse.FuseFS;

/**
 * A session that speaks the kernel protocol itself, with no libfuse: one request per {@code read}
 * of the descriptor into a buffer of max_write plus a page, dispatch by opcode, one {@code writev}
 * per reply (header + payload), no reply for FORGET, BATCH_FORGET and INTERRUPT. A malformed
 * request is answered EINVAL (or dropped when it wants no answer) and never ends the session.
 *
 * <p>
 * Served by the engine-wide {@link Reactor} (or, with {@code -Dfuse.protocol.serving=threads}, by the
 * handle's own threads); each serving thread gets its own buffers ({@link #buffer()}), kept per thread
 * and reused by every protocol session that thread serves later, so buffers cost per pool thread,
 * not per mount.
 */
public final class ProtocolSession implements ServingSession {

    private static final Logger logger = LoggerFactory.getLogger(ProtocolSession.class);

    private static final int PAGE = 4096;

    /** What the engine implements and wants on, offered by the kernel or not. */
    static final long WANTED = InitFlags.ASYNC_READ | InitFlags.ATOMIC_O_TRUNC | InitFlags.BIG_WRITES
            | InitFlags.MAX_PAGES | InitFlags.PARALLEL_DIROPS | InitFlags.ABORT_ERROR | InitFlags.INIT_EXT;

    private static final ThreadLocal<Buffers> BUFFERS = new ThreadLocal<>();

    /** A mounting thread's buffers for {@link #answerWaitingInit()}. */
    private static final ThreadLocal<Buffers> INIT_BUFFERS = new ThreadLocal<>();

    /** The kernel takes no read into less than 8 KiB plus a header and one max_write (4 KiB before INIT). */
    private static final int INIT_REQUEST_SIZE = 16384;

    private static volatile int maxPagesLimit;

    private final FuseDevice device;

    private final FilesystemBridge bridge;

    private final InitNegotiation.Policy policy;

    private final int requestSize;

    private final int payloadSize;

    private final AtomicLongArray unimplemented = new AtomicLongArray(64);

    private static final int NO_OWNER_CHECK = -1;

    /** With {@code allow_root}: the one non-root uid whose requests are served (the server's); else -1. */
    private final int ownerOnly;

    private volatile InitNegotiation.Outcome negotiated;

    private volatile boolean destroyed;

    private ProtocolSession(int fd, FilesystemBridge bridge, BridgeOptions options) {
        this.device = new FuseDevice(fd);
        this.bridge = bridge;
        this.ownerOnly = options.allowRoot() ? Native.effectiveUid() : NO_OWNER_CHECK;
        long wanted = options.syncRead() ? WANTED & ~InitFlags.ASYNC_READ : WANTED;
        if (!bridge.truncates()) {
            wanted &= ~InitFlags.ATOMIC_O_TRUNC;
        }
        wanted |= bridge.optionalFlags();
        this.policy = new InitNegotiation.Policy(options.maxWrite(), maxPagesLimit(), wanted, options.maxReadahead(),
                options.maxBackground(), options.congestionThreshold());
        int maxWrite = Math.max(options.maxWrite(), PAGE);
        int pages = (maxWrite + PAGE - 1) / PAGE;
        // reads are at most max_pages (or, without FUSE_MAX_PAGES, 32) pages
        this.payloadSize = Math.max(pages, 32) * PAGE + PAGE;
        this.requestSize = Math.max(8192, pages * PAGE + PAGE);
    }

    /**
     * A session on the mounted descriptor {@code fd}, which it owns from then on ({@link #destroy()}
     * closes it). {@code libraryOptions} are the libfuse options the user gave (see {@link BridgeOptions}).
     */
    public static ProtocolSession create(int fd, List<String> libraryOptions, FuseFS filesystem,
            SessionCallbacks callbacks) {
        try {
            BridgeOptions options = BridgeOptions.parse(libraryOptions);
            return new ProtocolSession(fd, new FilesystemBridge(filesystem, callbacks, options), options);
        }
        catch (RuntimeException | Error ex) {
            new FuseDevice(fd).close();
            throw ex;
        }
    }

    /** The kernel's {@code max_pages_limit} (Linux 6.13+), or the fixed 256 of older kernels. */
    private static int maxPagesLimit() {
        int limit = maxPagesLimit;
        if (limit == 0) {
            // one read with a large buffer: a sysctl file answers a read at a non-zero offset with EOF,
            // so reading it piecewise (as Files.readString does for a file of size 0) gives "2" for "256"
            try (InputStream in = Files.newInputStream(Path.of("/proc/sys/fs/fuse/max_pages_limit"))) {
                byte[] text = new byte[32];
                int read = in.read(text);
                limit = Integer.parseInt(new String(text, 0, Math.max(read, 0), StandardCharsets.US_ASCII).trim());
            }
            catch (IOException | NumberFormatException ex) {
                limit = InitNegotiation.DEFAULT_MAX_PAGES_LIMIT;
            }
            maxPagesLimit = limit;
        }
        return limit;
    }

    /** What INIT negotiated, or null before it. */
    public InitNegotiation.Outcome negotiated() {
        return this.negotiated;
    }

    /**
     * How many requests with this opcode were answered ENOSYS: the engine does not know the opcode,
     * or the filesystem does not implement the operation (opcodes of 63 and above share slot 63).
     */
    public long unimplementedAnswers(int opcode) {
        return (opcode >= 0 && opcode < 64) ? this.unimplemented.get(opcode) : 0;
    }

    /** How many nodes the kernel holds references to, the root included. */
    public int nodeCount() {
        return this.bridge.nodeCount();
    }

    /** Makes the descriptor non-blocking, for the {@link Reactor}. */
    void nonBlocking() {
        this.device.nonBlocking();
    }

    @Override
    public int fd() {
        return this.device.fd();
    }

    @Override
    public Buffer buffer() {
        Buffers buffers = BUFFERS.get();
        if (buffers == null || buffers.exchange.request.size() < this.requestSize
                || buffers.exchange.payload.size() < this.payloadSize) {
            return newBuffers();
        }
        return buffers;
    }

    /**
     * The calling thread's first buffers (or larger ones), once per thread: a method of its own, so
     * that the JIT does not compile the making of an {@link Exchange} into every request's
     * {@link #buffer()} (which it did: 175 ms of C2 time for that one method in a fresh JVM).
     */
    private Buffers newBuffers() {
        Buffers buffers = new Buffers(new Exchange(this.requestSize, this.payloadSize));
        BUFFERS.set(buffers);
        return buffers;
    }

    /**
     * Answers the kernel's INIT on the calling thread if it waits already (the kernel queues it
     * before {@code mount(2)} returns) and answering it calls no code of the filesystem's (no
     * {@code init} of its own, so nothing that could keep the caller beyond its mount timeout); with
     * small buffers of the thread's own, not a serving thread's. Whether it did; if not, serving reads
     * INIT as any request. The descriptor must be non-blocking.
     */
    boolean answerWaitingInit() {
        if (this.bridge.initCallsFilesystem() || this.negotiated != null) {
            return false;
        }
        Buffers buffers = INIT_BUFFERS.get();
        if (buffers == null) {
            buffers = new Buffers(new Exchange(INIT_REQUEST_SIZE, PAGE));
            INIT_BUFFERS.set(buffers);
        }
        int length = this.device.read(buffers.exchange.request);
        if (length < 0) {
            return false; // EAGAIN (not queued yet), or the mount ended: the reactor reads it
        }
        process(buffers, length, this.device); // the first request is always INIT
        return true;
    }

    /** The exchange behind a buffer of this class, for tests that hand-craft requests. */
    static Exchange exchangeOf(Buffer buffer) {
        return ((Buffers) buffer).exchange;
    }

    @Override
    public int receive(Buffer buffer) {
        return this.device.read(((Buffers) buffer).exchange.request);
    }

    /**
     * Opens another, blocking descriptor on this session's connection ({@link FuseDevice#openClone}),
     * for a thread that reads requests from it ({@link #receive(Buffer, FuseDevice)}) and answers them
     * on it ({@link #process(Buffer, int, FuseDevice)}); the caller closes it.
     * @throws io.github.fusespringboot.mount.natives.NativeCallException when the kernel refuses
     */
    FuseDevice openReader() {
        return FuseDevice.openClone(FuseDevice.PATH, this.device.fd());
    }

    /** Reads one request from {@code reader}, a descriptor of {@link #openReader()}; as {@link #receive(Buffer)}. */
    int receive(Buffer buffer, FuseDevice reader) {
        return reader.read(((Buffers) buffer).exchange.request);
    }

    @Override
    public boolean pending(Buffer buffer) {
        return this.device.readable(((Buffers) buffer).pollfd);
    }

    @Override
    public boolean isOrdered(Buffer buffer) {
        int opcode = ((Buffers) buffer).exchange.in().getInt(4);
        return opcode == Opcode.RELEASE || opcode == Opcode.RELEASEDIR;
    }

    /** A READ or WRITE of at least this many bytes is a large transfer. */
    static final int LARGE_TRANSFER = 256 * 1024;

    /** Whether the request just received reads or writes at least {@link #LARGE_TRANSFER} bytes. */
    boolean isLargeTransfer(Buffer buffer, int length) {
        if (length >= LARGE_TRANSFER) {
            return true; // a WRITE's data comes with the request
        }
        java.nio.ByteBuffer in = ((Buffers) buffer).exchange.in();
        // fuse_read_in after the 40-byte header: fh, offset, then the size
        return length >= InHeader.SIZE + 20 && in.getInt(4) == Opcode.READ
                && Integer.toUnsignedLong(in.getInt(InHeader.SIZE + 16)) >= LARGE_TRANSFER;
    }

    /** The process id of the caller of the request just received (0 for the kernel's own). */
    int callerPid(Buffer buffer) {
        return ((Buffers) buffer).exchange.in().getInt(32);
    }

    @Override
    public boolean isInit(Buffer buffer) {
        return ((Buffers) buffer).exchange.in().getInt(4) == Opcode.INIT;
    }

    @Override
    public boolean initialized() {
        return this.negotiated != null;
    }

    @Override
    public void process(Buffer buffer, int length) {
        process(buffer, length, this.device);
    }

    /**
     * Handles a request read from {@code device} (this session's, or one of {@link #openReader()})
     * and answers it there.
     */
    void process(Buffer buffer, int length, FuseDevice device) {
        Buffers buffers = (Buffers) buffer;
        Exchange exchange = buffers.exchange;
        InHeader header = exchange.header;
        try {
            header.decode(exchange.in(), length);
        }
        catch (MalformedRequestException ex) {
            logger.debug("Dropping a malformed FUSE request: {}", ex.getMessage());
            if (length >= 16 && !Opcode.isNoReply(exchange.in().getInt(4))) {
                reply(buffers, device, exchange.in().getLong(8), -Errno.EINVAL);
            }
            return;
        }
        int result;
        try {
            result = dispatch(exchange, header.opcode);
        }
        catch (MalformedRequestException ex) {
            logger.debug("Malformed FUSE {} request: {}", Opcode.name(header.opcode), ex.getMessage());
            result = Opcode.isNoReply(header.opcode) ? FilesystemBridge.NO_REPLY : -Errno.EINVAL;
        }
        catch (RuntimeException ex) {
            logger.warn("FUSE {} request failed in the engine", Opcode.name(header.opcode), ex);
            result = Opcode.isNoReply(header.opcode) ? FilesystemBridge.NO_REPLY : -Errno.EIO;
        }
        if (result != FilesystemBridge.NO_REPLY) {
            reply(buffers, device, header.unique, result);
        }
    }

    private int dispatch(Exchange exchange, int opcode) {
        if (opcode == Opcode.INIT) {
            return init(exchange);
        }
        if (this.negotiated == null) {
            return Opcode.isNoReply(opcode) ? FilesystemBridge.NO_REPLY : -Errno.EIO; // as libfuse before INIT
        }
        if (this.ownerOnly != NO_OWNER_CHECK && !Opcode.isOpenToAnyCaller(opcode)) {
            int uid = exchange.header.uid;
            if (uid != this.ownerOnly && uid != 0) {
                // allow_root: only the owner and root, as libfuse (EACCES; FORGET and INTERRUPT come as uid 0)
                return Opcode.isNoReply(opcode) ? FilesystemBridge.NO_REPLY : -Errno.EACCES;
            }
        }
        int result = this.bridge.answers(opcode) ? this.bridge.handle(exchange) : -Errno.ENOSYS; // as libfuse
        if (result == -Errno.ENOSYS) {
            this.unimplemented.incrementAndGet(Math.min(Math.max(opcode, 0), 63));
        }
        return result;
    }

    private int init(Exchange exchange) {
        exchange.body.reset(exchange.in(), InHeader.SIZE, exchange.header.bodyEnd());
        Requests.Init kernel = Requests.Init.decode(exchange.body);
        InitNegotiation.Outcome outcome = InitNegotiation.negotiate(kernel, this.policy);
        if (outcome.errno() != 0) {
            logger.warn("The kernel offered FUSE protocol {}.{}, which this engine cannot speak", kernel.major(),
                    kernel.minor());
            return -outcome.errno();
        }
        int length = InitNegotiation.encode(exchange.out(), 0, outcome);
        if (!outcome.again()) {
            this.bridge.init(exchange, outcome, (outcome.flags() & InitFlags.ASYNC_READ) != 0);
            this.negotiated = outcome;
            if (logger.isDebugEnabled()) {
                logger.debug("FUSE INIT: kernel {}.{} flags {}; agreed 7.{} max_write {} max_pages {} flags {}",
                        kernel.major(), kernel.minor(), InitFlags.names(kernel.flags()), outcome.minor(),
                        outcome.maxWrite(), outcome.maxPages(), InitFlags.names(outcome.flags()));
            }
        }
        return length;
    }

    private void reply(Buffers buffers, FuseDevice device, long unique, int result) {
        Exchange exchange = buffers.exchange;
        int payload = Math.max(result, 0);
        OutHeader.encode(buffers.header.buffer(), OutHeader.SIZE + payload, (result < 0) ? -result : 0, unique);
        int errno = device.write(buffers.vector, buffers.header, OutHeader.SIZE, exchange.payload, 0, payload);
        if (errno != 0 && errno != Errno.ENOENT && !this.destroyed) {
            // ENOENT: the request was interrupted and is gone; ENODEV: unmounted meanwhile
            logger.debug("Writing a FUSE reply failed with {}", Errno.describe(errno));
        }
    }

    @Override
    public synchronized void destroy() {
        if (this.destroyed) {
            return;
        }
        this.destroyed = true;
        try {
            this.bridge.destroy();
        }
        finally {
            this.device.close();
        }
    }

    /** A serving thread's exchange, reply header and iovec. */
    private static final class Buffers implements Buffer {

        final Exchange exchange;

        final NativeBuffer header = new NativeBuffer(OutHeader.SIZE);

        final FuseDevice.ReplyVector vector = new FuseDevice.ReplyVector();

        final NativeBuffer pollfd = new NativeBuffer(8);

        Buffers(Exchange exchange) {
            this.exchange = exchange;
        }

    }

}
