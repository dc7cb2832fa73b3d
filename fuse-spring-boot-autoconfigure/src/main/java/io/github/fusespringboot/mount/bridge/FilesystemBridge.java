// Turns decoded requests into jnr-fuse FuseFS calls the way libfuse's high-level lib/fuse.c does.
package io.github.fusespringboot.mount.bridge;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.github.fusespringboot.mount.ManagedFuseStubFS;
import io.github.fusespringboot.mount.natives.Errno;
import io.github.fusespringboot.mount.natives.SessionCallbacks;
import io.github.fusespringboot.mount.protocol.Attr;
import io.github.fusespringboot.mount.protocol.InHeader;
import io.github.fusespringboot.mount.protocol.InitFlags;
import io.github.fusespringboot.mount.protocol.InitNegotiation;
import io.github.fusespringboot.mount.protocol.Opcode;
import io.github.fusespringboot.mount.protocol.Replies;
import io.github.fusespringboot.mount.protocol.Requests;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.FuseFS;
import ru.serce.jnrfuse.struct.FileStat;

/**
 * The filesystem side of a protocol session: node ids and paths ({@link NodeTable}), open
 * directories, and one method per opcode calling the user's {@link FuseFS}. Every call goes through
 * the mount's {@link SessionCallbacks#invoke}, which times it and turns a thrown exception into EIO.
 * An operation the filesystem does not implement is answered as libfuse answers it: mostly ENOSYS,
 * success for open/opendir/release/releasedir, defaults for statfs.
 */
public final class FilesystemBridge {

    /** What {@link #handle} returns for a request that gets no reply (FORGET, BATCH_FORGET, a found INTERRUPT). */
    public static final int NO_REPLY = Integer.MIN_VALUE;

    final FuseFS filesystem;

    final SessionCallbacks callbacks;

    final BridgeOptions options;

    final Implemented implemented;

    final NodeTable nodes = new NodeTable();

    final ConcurrentHashMap<Long, DirectoryHandle> directories = new ConcurrentHashMap<>();

    final AtomicLong nextDirectory = new AtomicLong(1);

    private final AtomicLong hiddenNames = new AtomicLong();

    /** Every exchange that has served this bridge (one per serving thread), searched by INTERRUPT. */
    private final Set<Exchange> serving = ConcurrentHashMap.newKeySet();

    private final NamespaceOperations namespace;

    private final FileOperations files;

    private final RangeOperations ranges;

    final LockOperations locks;

    private final AtomicBoolean initialized = new AtomicBoolean();

    private final AtomicBoolean destroyed = new AtomicBoolean();

    /** Whether read-only opens answer FOPEN_NOFLUSH (see {@link #init}); decided by INIT, before any OPEN. */
    private volatile boolean noFlushOnReadOnly;

    public FilesystemBridge(FuseFS filesystem, SessionCallbacks callbacks, BridgeOptions options) {
        this.filesystem = filesystem;
        this.callbacks = callbacks;
        this.options = options;
        this.implemented = Implemented.by(filesystem.getClass());
        this.namespace = new NamespaceOperations(this);
        this.files = new FileOperations(this);
        this.locks = new LockOperations(this);
        this.ranges = new RangeOperations(this);
        StubContext.install(filesystem); // jnr-fuse's own getContext() would ask libfuse2
    }

    /**
     * Handles the request in {@code exchange} (its header decoded) and returns the reply payload's
     * length, a negative errno, or {@link #NO_REPLY}. Never throws for anything the filesystem does;
     * a malformed body throws {@code MalformedRequestException} for the session to answer.
     */
    public int handle(Exchange exchange) {
        InHeader header = exchange.header;
        exchange.body.reset(exchange.in(), InHeader.SIZE, header.bodyEnd());
        exchange.umask = 0;
        if (exchange.registeredWith != this) {
            this.serving.add(exchange);
            exchange.registeredWith = this;
        }
        exchange.interrupted = false;
        exchange.unique = header.unique;
        exchange.servingFor = this;
        CallerContext.enter(exchange);
        try {
            return dispatch(exchange, header.opcode, header.nodeId);
        }
        finally {
            CallerContext.leave();
            exchange.servingFor = null;
        }
    }

    /**
     * FUSE_INTERRUPT: marks the request in progress with that unique as interrupted (a callback sees
     * it through {@code ManagedFuseStubFS.isInterrupted()}) and sends no reply; a request not (or no
     * longer) in progress gets EAGAIN, on which the kernel sends the interrupt again while the request
     * is still waiting for its answer (and drops it once it is answered).
     */
    private int interrupt(Exchange ex) {
        long target = Requests.Interrupt.decode(ex.body).unique();
        for (Exchange other : this.serving) {
            if (other != ex && other.servingFor == this && other.unique == target) {
                other.interrupted = true;
                return NO_REPLY;
            }
        }
        return -Errno.EAGAIN;
    }

    private int dispatch(Exchange ex, int opcode, long node) {
        return switch (opcode) {
            case Opcode.LOOKUP -> this.namespace.lookup(ex, node);
            case Opcode.FORGET -> this.namespace.forget(ex, node);
            case Opcode.BATCH_FORGET -> this.namespace.batchForget(ex);
            case Opcode.GETATTR -> this.namespace.getattr(ex, node);
            case Opcode.SETATTR -> this.namespace.setattr(ex, node);
            case Opcode.READLINK -> this.namespace.readlink(ex, node);
            case Opcode.SYMLINK -> this.namespace.symlink(ex, node);
            case Opcode.MKNOD -> this.namespace.mknod(ex, node);
            case Opcode.MKDIR -> this.namespace.mkdir(ex, node);
            case Opcode.UNLINK -> this.namespace.unlink(ex, node, false);
            case Opcode.RMDIR -> this.namespace.unlink(ex, node, true);
            case Opcode.RENAME -> this.namespace.rename(ex, node, false);
            case Opcode.RENAME2 -> this.namespace.rename(ex, node, true);
            case Opcode.LINK -> this.namespace.link(ex, node);
            case Opcode.OPEN -> this.files.open(ex, node);
            case Opcode.READ -> this.files.read(ex, node);
            case Opcode.WRITE -> this.files.write(ex, node);
            case Opcode.STATFS -> this.files.statfs(ex, node);
            case Opcode.RELEASE -> this.files.release(ex, node);
            case Opcode.FSYNC -> this.files.fsync(ex, node, false);
            case Opcode.SETXATTR -> this.files.setxattr(ex, node);
            case Opcode.GETXATTR -> this.files.getxattr(ex, node, true);
            case Opcode.LISTXATTR -> this.files.getxattr(ex, node, false);
            case Opcode.REMOVEXATTR -> this.files.removexattr(ex, node);
            case Opcode.FLUSH -> this.files.flush(ex, node);
            case Opcode.OPENDIR -> this.files.opendir(ex, node);
            case Opcode.READDIR -> this.files.readdir(ex, node, false);
            case Opcode.READDIRPLUS -> this.files.readdir(ex, node, true);
            case Opcode.RELEASEDIR -> this.files.releasedir(ex, node);
            case Opcode.FSYNCDIR -> this.files.fsync(ex, node, true);
            case Opcode.ACCESS -> this.files.access(ex, node);
            case Opcode.CREATE -> this.files.create(ex, node);
            case Opcode.FALLOCATE -> this.files.fallocate(ex, node);
            case Opcode.GETLK -> this.locks.getlk(ex, node);
            case Opcode.SETLK -> this.locks.setlk(ex, node, false);
            case Opcode.SETLKW -> this.locks.setlk(ex, node, true);
            case Opcode.LSEEK -> this.ranges.lseek(ex, node);
            case Opcode.COPY_FILE_RANGE -> this.ranges.copyFileRange(ex, node);
            case Opcode.INTERRUPT -> interrupt(ex);
            case Opcode.DESTROY -> {
                destroy();
                yield 0;
            }
            // everything else: jnr-fuse has no such operation, libfuse2 answers ENOSYS
            default -> -Errno.ENOSYS;
        };
    }

    /** Whether the bridge has an answer for this opcode (others are answered ENOSYS by the session). */
    public static boolean handles(int opcode) {
        return (opcode >= Opcode.LOOKUP && opcode <= Opcode.FSYNCDIR && opcode != 7 && opcode != 19
                && opcode != Opcode.INIT) || opcode == Opcode.ACCESS || opcode == Opcode.CREATE
                || opcode == Opcode.INTERRUPT || opcode == Opcode.DESTROY || opcode == Opcode.BATCH_FORGET
                || opcode == Opcode.FALLOCATE || opcode == Opcode.RENAME2 || opcode == Opcode.GETLK
                || opcode == Opcode.SETLK || opcode == Opcode.SETLKW || opcode == Opcode.READDIRPLUS
                || opcode == Opcode.LSEEK || opcode == Opcode.COPY_FILE_RANGE;
    }

    /**
     * Whether this bridge has an answer for this opcode from its filesystem: {@link #handles}, less
     * LSEEK and COPY_FILE_RANGE when the filesystem does not override them (those the session answers
     * ENOSYS and counts, as any opcode without an operation).
     */
    public boolean answers(int opcode) {
        if (opcode == Opcode.LSEEK) {
            return this.implemented.lseek;
        }
        if (opcode == Opcode.COPY_FILE_RANGE) {
            return this.implemented.copyFileRange;
        }
        return handles(opcode);
    }

    /** Whether answering INIT calls the filesystem (it has an {@code init} of its own, which may take its time). */
    public boolean initCallsFilesystem() {
        return this.implemented.init;
    }

    /** Calls the filesystem's init, once, with a {@code fuse_conn_info} of the negotiated values. */
    public void init(Exchange exchange, InitNegotiation.Outcome outcome, boolean asyncRead) {
        if (!this.initialized.compareAndSet(false, true)) {
            return;
        }
        // the kernel would learn from the first FLUSH's ENOSYS to send no more; a file opened read-only
        // has no writes of its own to wait for at close, so it is told at OPEN instead (one round trip
        // less for a mount's first close). Not with lock, whose FLUSH releases the owner's POSIX locks.
        this.noFlushOnReadOnly = outcome.minor() >= 35 && !this.implemented.flush && !this.implemented.lock
                && (outcome.flags() & InitFlags.WRITEBACK_CACHE) == 0;
        Pointer conn = exchange.connectionInfo(outcome.major(), outcome.minor(), outcome.maxWrite(),
                outcome.maxReadahead(), asyncRead);
        if (!this.implemented.init) {
            return;
        }
        CallerContext.enter(exchange);
        try {
            this.callbacks.initResult(this.filesystem.init(conn));
        }
        catch (Throwable ex) {
            this.callbacks.initFailed(ex);
        }
        finally {
            CallerContext.leave();
        }
    }

    /** Whether an OPEN for reading only answers FOPEN_NOFLUSH: no flush, no lock, no writeback cache, 7.35 or newer. */
    boolean noFlushOnReadOnly() {
        return this.noFlushOnReadOnly;
    }

    /** Calls the filesystem's destroy once, if init was called (as fuse_destroy does). */
    public void destroy() {
        if (!this.initialized.get() || !this.destroyed.compareAndSet(false, true) || !this.implemented.destroy) {
            return;
        }
        this.callbacks.invoke("destroy", null, (fs) -> {
            fs.destroy(this.callbacks.initResult());
            return 0;
        });
    }

    /**
     * Whether the filesystem can truncate (truncate or ftruncate): only then is FUSE_ATOMIC_O_TRUNC
     * worth asking for; otherwise the kernel's SETATTR brings the filesystem's ENOSYS to the caller.
     */
    public boolean truncates() {
        return this.implemented.truncate || this.implemented.ftruncate;
    }

    /**
     * The INIT flags that depend on the filesystem and the options: POSIX_LOCKS with {@code lock},
     * FLOCK_LOCKS with {@code flock} (lib/fuse.c leaves its lock operations unset without them),
     * WRITEBACK_CACHE with the {@code writeback_cache} option, DO_READDIRPLUS (and READDIRPLUS_AUTO)
     * with {@code readdirplus=yes} ({@code auto}).
     *
     * <p>
     * Never EXPORT_SUPPORT: the kernel asks the filesystem about a file handle (LOOKUP of "." in the
     * handle's node id) only when it no longer has the inode, and by then it has sent FORGET and the
     * node table has dropped the node, so {@code open_by_handle_at} would still end in ESTALE. Making
     * it work means keeping every node for the mount's life (libfuse's {@code remember}/{@code noforget},
     * memory without bound) and generations unique across mounts (a handle of an earlier mount must not
     * open another file with the same node id); not cheap, so left off.
     */
    public long optionalFlags() {
        return (this.implemented.lock ? InitFlags.POSIX_LOCKS : 0) | (this.implemented.flock ? InitFlags.FLOCK_LOCKS : 0)
                | (this.options.writebackCache() ? InitFlags.WRITEBACK_CACHE : 0) | readdirPlusFlags();
    }

    private long readdirPlusFlags() {
        return switch (this.options.readdirPlus()) {
            case YES -> InitFlags.DO_READDIRPLUS;
            case AUTO -> InitFlags.DO_READDIRPLUS | InitFlags.READDIRPLUS_AUTO;
            case NO -> 0;
        };
    }

    /** How many nodes the kernel holds references to (the root included). */
    public int nodeCount() {
        return this.nodes.size();
    }

    // ------------------------------------------------------------------ shared by the operations

    int call(String operation, String path, SessionCallbacks.Operation call) {
        return this.callbacks.invoke(operation, path, call);
    }

    /**
     * getattr (or fgetattr when a file handle came with the request and the filesystem has it) into
     * {@code ex.attr}; returns 0 or a negative errno. {@code ino} is the node id to report unless use_ino.
     */
    int attributes(Exchange ex, String path, long ino, FileHandle handle) {
        if (!this.implemented.getattr && !(handle != null && this.implemented.fgetattr)) {
            return -Errno.ENOSYS;
        }
        FileStat stat = ex.clearedStat();
        int result;
        if (handle != null && this.implemented.fgetattr) {
            int flags = handle.flags;
            long fh = handle.fh;
            result = call("fgetattr", path, ex.calls.fgetattr.with(path, stat, ex.fileInfo(flags, fh)));
        }
        else {
            result = call("getattr", path, ex.calls.getattr.with(path, stat));
        }
        if (result != 0) {
            return (result > 0) ? -Errno.EIO : result;
        }
        fillAttr(ex, stat, ino);
        return 0;
    }

    /**
     * lib/fuse.c's hide_node: an entry that is unlinked or renamed over while open is renamed to a
     * free {@code .fuse_hidden<id><n>} name in its directory instead, so reads and writes through the
     * open handles keep working; the last release unlinks it. Returns 0 or a negative errno.
     */
    int hide(Exchange ex, long parent, String name, String path) {
        if (!this.implemented.rename && !this.implemented.renameFlags) {
            return -Errno.EBUSY;
        }
        long id = this.nodes.idOf(parent, name);
        for (int attempt = 0; attempt < 10; attempt++) {
            String hiddenName = String.format(".fuse_hidden%08x%08x", id & 0xffffffffL,
                    this.hiddenNames.incrementAndGet() & 0xffffffffL);
            String hiddenPath = this.nodes.childPath(parent, hiddenName);
            if (hiddenPath == null) {
                return -Errno.ENOENT;
            }
            if (attributes(ex, hiddenPath, 0, null) != 0) { // the name is free
                int result = rename(path, hiddenPath, 0);
                if (result == 0) {
                    this.nodes.hidden(parent, name, hiddenName);
                }
                return (result > 0) ? -Errno.EIO : result;
            }
        }
        return -Errno.EBUSY;
    }

    /**
     * The filesystem's rename: {@code ManagedFuseStubFS.rename(from, to, flags)} when it overrides
     * that, else jnr-fuse's {@code rename(from, to)} (which the caller only uses for flags 0).
     */
    int rename(String from, String to, int flags) {
        if (this.implemented.renameFlags) {
            return call("rename", from, (fs) -> ((ManagedFuseStubFS) fs).rename(from, to, flags));
        }
        return call("rename", from, (fs) -> fs.rename(from, to));
    }

    /** After the last release of a hidden node: unlink it for good. */
    void releasedNode(long nodeId) {
        String hiddenPath = this.nodes.released(nodeId);
        if (hiddenPath != null && this.implemented.unlink) {
            if (call("unlink", hiddenPath, (fs) -> fs.unlink(hiddenPath)) == 0) {
                this.nodes.detach(nodeId);
            }
        }
    }

    /** A file handle and open flags, for the calls that take a {@code fuse_file_info}. */
    record FileHandle(long fh, int flags) {
    }

    private void fillAttr(Exchange ex, FileStat stat, long nodeId) {
        Attr attr = ex.attr;
        int mode = stat.st_mode.intValue();
        if (this.options.setMode()) {
            mode = (mode & 0170000) | (0777 & ~this.options.umask());
        }
        attr.ino = this.options.useIno() ? stat.st_ino.longValue() : nodeId;
        attr.mode = mode;
        attr.nlink = stat.st_nlink.intValue();
        attr.uid = this.options.setUid() ? this.options.uid() : stat.st_uid.intValue();
        attr.gid = this.options.setGid() ? this.options.gid() : stat.st_gid.intValue();
        attr.rdev = (int) stat.st_rdev.longValue();
        attr.size = stat.st_size.longValue();
        attr.blocks = stat.st_blocks.longValue();
        attr.blksize = stat.st_blksize.intValue();
        attr.atime = stat.st_atim.tv_sec.get();
        attr.atimensec = stat.st_atim.tv_nsec.intValue();
        attr.mtime = stat.st_mtim.tv_sec.get();
        attr.mtimensec = stat.st_mtim.tv_nsec.intValue();
        attr.ctime = stat.st_ctim.tv_sec.get();
        attr.ctimensec = stat.st_ctim.tv_nsec.intValue();
        attr.flags = 0;
    }

    /**
     * After a successful LOOKUP-like call: getattr of {@code parent/name}, a reference to its node,
     * and a {@code fuse_entry_out} at {@code at} of the payload. Returns the bytes written or a
     * negative errno (a negative entry, node id 0, when negative_timeout is set and getattr says ENOENT).
     */
    int entry(Exchange ex, long parent, String name, String path, int at) {
        int result = attributes(ex, path, 0, null);
        if (result == -Errno.ENOENT && this.options.negativeTimeoutNanos() > 0) {
            ex.attr.ino = 0;
            return Replies.entry(ex.out(), at, 0, 0, this.options.negativeTimeoutNanos(), 0, clear(ex.attr));
        }
        if (result != 0) {
            return result;
        }
        NodeTable.Node node = this.nodes.lookedUp(parent, name);
        if (node == null) {
            return -Errno.ENOENT;
        }
        if (!this.options.useIno()) {
            ex.attr.ino = node.id;
        }
        return Replies.entry(ex.out(), at, node.id, node.generation, this.options.entryTimeoutNanos(),
                this.options.attrTimeoutNanos(), ex.attr);
    }

    private static Attr clear(Attr attr) {
        attr.ino = 0;
        attr.size = 0;
        attr.blocks = 0;
        attr.atime = 0;
        attr.mtime = 0;
        attr.ctime = 0;
        attr.atimensec = 0;
        attr.mtimensec = 0;
        attr.ctimensec = 0;
        attr.mode = 0;
        attr.nlink = 0;
        attr.uid = 0;
        attr.gid = 0;
        attr.rdev = 0;
        attr.blksize = 0;
        attr.flags = 0;
        return attr;
    }

}
