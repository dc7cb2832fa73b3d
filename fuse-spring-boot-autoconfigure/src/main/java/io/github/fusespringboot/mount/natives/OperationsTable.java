// One native fuse_operations struct per filesystem class, whose callbacks dispatch to the live session.
package io.github.fusespringboot.mount.natives;

import java.lang.reflect.Method;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.kenai.jffi.MemoryIO;
import io.github.fusespringboot.mount.AcceptsUtimeNowAndOmit;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import jnr.ffi.mapper.FromNativeConverter;
import jnr.ffi.provider.jffi.ClosureHelper;
import ru.serce.jnrfuse.FuseFS;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.NotImplemented;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.Flock;
import ru.serce.jnrfuse.struct.FuseBufvec;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.FuseOperations;
import ru.serce.jnrfuse.struct.FusePollhandle;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * A {@code struct fuse_operations} in native memory for one filesystem class, built once and kept for
 * the life of the JVM (so its closures can never be collected while libfuse holds their addresses).
 *
 * <p>
 * Its callbacks are not bound to an instance: each one looks up the live session by the id libfuse
 * passes back as {@code private_data}, so one table serves every mount of every instance of the class,
 * and mounting a new instance builds no closures. An operation is set only when the class implements
 * it (no {@link NotImplemented}), as jnr-fuse's own {@code AbstractFuseFS} does, because libfuse treats
 * a set pointer as "implemented" (for example {@code read_buf} takes precedence over {@code read}).
 */
final class OperationsTable {

    /** {@code offsetof(struct fuse_context, private_data)} on LP64 (include/fuse.h, libfuse 2.9). */
    private static final long CONTEXT_PRIVATE_DATA_OFFSET = 24;

    /**
     * {@code offsetof(struct fuse_operations, flag_nullpath_ok)}: the bitfield word after the 38 function
     * pointers up to {@code bmap} (include/fuse.h, libfuse 2.9; LP64). Bit 2 of its first byte (GCC on a
     * little-endian machine) is {@code flag_utime_omit_ok}.
     */
    private static final long FLAGS_OFFSET = 38 * 8;

    private static final int FLAG_UTIME_OMIT_OK = 0b100;

    private static final ConcurrentHashMap<Long, SessionCallbacks> SESSIONS = new ConcurrentHashMap<>();

    private static final AtomicLong NEXT_ID = new AtomicLong(1);

    private static final ClassValue<OperationsTable> TABLES = new ClassValue<>() {
        @Override
        protected OperationsTable computeValue(Class<?> type) {
            return new OperationsTable(type);
        }
    };

    private static final MemoryIO MEMORY = MemoryIO.getInstance();

    private final FuseOperations operations;

    private final Pointer memory;

    private OperationsTable(Class<?> type) {
        Runtime runtime = Native.runtime();
        this.operations = new FuseOperations(runtime);
        // jnr structs live on the Java heap by default; libfuse needs a native address.
        this.memory = Memory.allocateDirect(runtime, Struct.size(this.operations), true);
        this.operations.useMemory(this.memory);
        Set<String> missing = Stream.of(type.getMethods())
            .filter((method) -> method.isAnnotationPresent(NotImplemented.class))
            .map(Method::getName)
            .collect(Collectors.toSet());
        install(this.operations, missing, runtime);
        if (acceptsUtimeNowAndOmit(type)) {
            this.memory.putByte(FLAGS_OFFSET, (byte) (this.memory.getByte(FLAGS_OFFSET) | FLAG_UTIME_OMIT_OK));
        }
    }

    private static boolean acceptsUtimeNowAndOmit(Class<?> type) {
        try {
            return type.getMethod("utimens", String.class, Timespec[].class)
                .isAnnotationPresent(AcceptsUtimeNowAndOmit.class);
        }
        catch (NoSuchMethodException ex) {
            return false;
        }
    }

    static OperationsTable forClass(Class<? extends FuseFS> type) {
        return TABLES.get(type);
    }

    long address() {
        return this.memory.address();
    }

    long size() {
        return Struct.size(this.operations);
    }

    static long register(SessionCallbacks callbacks) {
        long id = NEXT_ID.getAndIncrement();
        SESSIONS.put(id, callbacks);
        return id;
    }

    static void unregister(long id) {
        SESSIONS.remove(id);
    }

    private static long currentSessionId() {
        long context = LibFuse2.get().getContext();
        return (context != 0) ? MEMORY.getAddress(context + CONTEXT_PRIVATE_DATA_OFFSET) : 0;
    }

    /**
     * The INIT flags libfuse 2.9's do_init sends for a {@code fuse_conn_info} after init: the wanted
     * capabilities it can offer (FUSE_CAP_* 0-11 equal the kernel's bits) and ASYNC_READ when async_read.
     */
    private static long libfuseFlags(Pointer conn) {
        long flags = Integer.toUnsignedLong(conn.getInt(24) & conn.getInt(20)) & 0xFFF;
        return (conn.getInt(8) != 0) ? flags | 1 : flags;
    }

    private static int call(String operation, String path, SessionCallbacks.Operation call) {
        SessionCallbacks session = SESSIONS.get(currentSessionId());
        if (session == null) {
            return -Errno.EIO;
        }
        return session.invoke(operation, path, call);
    }

    private static void install(FuseOperations ops, Set<String> missing, Runtime runtime) {
        if (!missing.contains("getattr")) {
            ops.getattr.set((path, stat) -> call("getattr", path, (fs) -> fs.getattr(path, FileStat.of(stat))));
        }
        if (!missing.contains("readlink")) {
            ops.readlink.set((path, buf, size) -> call("readlink", path, (fs) -> fs.readlink(path, buf, size)));
        }
        if (!missing.contains("mknod")) {
            ops.mknod.set((path, mode, rdev) -> call("mknod", path, (fs) -> fs.mknod(path, mode, rdev)));
        }
        if (!missing.contains("mkdir")) {
            ops.mkdir.set((path, mode) -> call("mkdir", path, (fs) -> fs.mkdir(path, mode)));
        }
        if (!missing.contains("unlink")) {
            ops.unlink.set((path) -> call("unlink", path, (fs) -> fs.unlink(path)));
        }
        if (!missing.contains("rmdir")) {
            ops.rmdir.set((path) -> call("rmdir", path, (fs) -> fs.rmdir(path)));
        }
        if (!missing.contains("symlink")) {
            ops.symlink.set((from, to) -> call("symlink", to, (fs) -> fs.symlink(from, to)));
        }
        if (!missing.contains("rename")) {
            ops.rename.set((from, to) -> call("rename", from, (fs) -> fs.rename(from, to)));
        }
        if (!missing.contains("link")) {
            ops.link.set((from, to) -> call("link", to, (fs) -> fs.link(from, to)));
        }
        if (!missing.contains("chmod")) {
            ops.chmod.set((path, mode) -> call("chmod", path, (fs) -> fs.chmod(path, mode)));
        }
        if (!missing.contains("chown")) {
            ops.chown.set((path, uid, gid) -> call("chown", path, (fs) -> fs.chown(path, uid, gid)));
        }
        if (!missing.contains("truncate")) {
            ops.truncate.set((path, size) -> call("truncate", path, (fs) -> fs.truncate(path, size)));
        }
        if (!missing.contains("open")) {
            ops.open.set((path, fi) -> call("open", path, (fs) -> fs.open(path, FuseFileInfo.of(fi))));
        }
        if (!missing.contains("read")) {
            ops.read.set((path, buf, size, offset, fi) -> call("read", path,
                    (fs) -> fs.read(path, buf, size, offset, FuseFileInfo.of(fi))));
        }
        if (!missing.contains("write")) {
            ops.write.set((path, buf, size, offset, fi) -> call("write", path,
                    (fs) -> fs.write(path, buf, size, offset, FuseFileInfo.of(fi))));
        }
        if (!missing.contains("statfs")) {
            ops.statfs.set((path, stat) -> call("statfs", path, (fs) -> fs.statfs(path, Statvfs.of(stat))));
        }
        if (!missing.contains("flush")) {
            ops.flush.set((path, fi) -> call("flush", path, (fs) -> fs.flush(path, FuseFileInfo.of(fi))));
        }
        if (!missing.contains("release")) {
            ops.release.set((path, fi) -> call("release", path, (fs) -> fs.release(path, FuseFileInfo.of(fi))));
        }
        if (!missing.contains("fsync")) {
            ops.fsync.set((path, datasync, fi) -> call("fsync", path,
                    (fs) -> fs.fsync(path, datasync, FuseFileInfo.of(fi))));
        }
        if (!missing.contains("setxattr")) {
            ops.setxattr.set((path, name, value, size, flags) -> call("setxattr", path,
                    (fs) -> fs.setxattr(path, name, value, size, flags)));
        }
        if (!missing.contains("getxattr")) {
            ops.getxattr.set((path, name, value, size) -> call("getxattr", path,
                    (fs) -> fs.getxattr(path, name, value, size)));
        }
        if (!missing.contains("listxattr")) {
            ops.listxattr.set((path, list, size) -> call("listxattr", path, (fs) -> fs.listxattr(path, list, size)));
        }
        if (!missing.contains("removexattr")) {
            ops.removexattr.set((path, name) -> call("removexattr", path, (fs) -> fs.removexattr(path, name)));
        }
        if (!missing.contains("opendir")) {
            ops.opendir.set((path, fi) -> call("opendir", path, (fs) -> fs.opendir(path, FuseFileInfo.of(fi))));
        }
        if (!missing.contains("readdir")) {
            ops.readdir.set((path, buf, filler, offset, fi) -> call("readdir", path, (fs) -> fs.readdir(path, buf,
                    FillDir.CONVERTER.fromNative(filler, ClosureHelper.getInstance().getFromNativeContext()), offset,
                    FuseFileInfo.of(fi))));
        }
        if (!missing.contains("releasedir")) {
            ops.releasedir.set((path, fi) -> call("releasedir", path,
                    (fs) -> fs.releasedir(path, FuseFileInfo.of(fi))));
        }
        if (!missing.contains("fsyncdir")) {
            ops.fsyncdir.set((path, fi) -> call("fsyncdir", path, (fs) -> fs.fsyncdir(path, FuseFileInfo.of(fi))));
        }
        boolean hasInit = !missing.contains("init");
        // Always set: libfuse keeps what init returns as private_data, and the callbacks need our id there.
        ops.init.set((conn) -> {
            long id = currentSessionId();
            SessionCallbacks session = SESSIONS.get(id);
            if (session != null && hasInit) {
                try {
                    session.initResult(session.filesystem().init(conn));
                }
                catch (Throwable ex) {
                    session.initFailed(ex);
                }
            }
            if (session != null && conn != null) {
                session.connection(conn.getInt(0), conn.getInt(4), conn.getInt(12), conn.getInt(16), libfuseFlags(conn));
            }
            return Pointer.wrap(runtime, id);
        });
        if (!missing.contains("destroy")) {
            // fuse_fs_destroy passes what init returned, which is our id (context private_data is 0 there)
            ops.destroy.set((initResult) -> {
                SessionCallbacks session = (initResult != null) ? SESSIONS.get(initResult.address()) : null;
                if (session != null) {
                    session.invoke("destroy", null, (fs) -> {
                        fs.destroy(session.initResult());
                        return 0;
                    });
                }
            });
        }
        if (!missing.contains("access")) {
            ops.access.set((path, mask) -> call("access", path, (fs) -> fs.access(path, mask)));
        }
        if (!missing.contains("create")) {
            ops.create.set((path, mode, fi) -> call("create", path, (fs) -> fs.create(path, mode,
                    FuseFileInfo.of(fi))));
        }
        if (!missing.contains("ftruncate")) {
            ops.ftruncate.set((path, size, fi) -> call("ftruncate", path,
                    (fs) -> fs.ftruncate(path, size, FuseFileInfo.of(fi))));
        }
        if (!missing.contains("fgetattr")) {
            ops.fgetattr.set((path, stat, fi) -> call("fgetattr", path,
                    (fs) -> fs.fgetattr(path, FileStat.of(stat), FuseFileInfo.of(fi))));
        }
        if (!missing.contains("lock")) {
            ops.lock.set((path, fi, cmd, flock) -> call("lock", path,
                    (fs) -> fs.lock(path, FuseFileInfo.of(fi), cmd, Flock.of(flock))));
        }
        if (!missing.contains("utimens")) {
            ops.utimens.set((path, times) -> call("utimens", path, (fs) -> {
                Timespec access = Timespec.of(times);
                Timespec modification = Timespec.of(times.slice(Struct.size(access)));
                return fs.utimens(path, new Timespec[] { access, modification });
            }));
        }
        if (!missing.contains("bmap")) {
            ops.bmap.set((path, blocksize, idx) -> call("bmap", path, (fs) -> fs.bmap(path, blocksize, idx.getLong(0))));
        }
        if (!missing.contains("ioctl")) {
            ops.ioctl.set((path, cmd, arg, fi, flags, data) -> call("ioctl", path,
                    (fs) -> fs.ioctl(path, cmd, arg, FuseFileInfo.of(fi), flags, data)));
        }
        if (!missing.contains("poll")) {
            ops.poll.set((path, fi, ph, revents) -> call("poll", path,
                    (fs) -> fs.poll(path, FuseFileInfo.of(fi), FusePollhandle.of(ph), revents)));
        }
        if (!missing.contains("write_buf")) {
            ops.write_buf.set((path, buf, offset, fi) -> call("write_buf", path,
                    (fs) -> fs.write_buf(path, FuseBufvec.of(buf), offset, FuseFileInfo.of(fi))));
        }
        if (!missing.contains("read_buf")) {
            ops.read_buf.set((path, bufp, size, offset, fi) -> call("read_buf", path,
                    (fs) -> fs.read_buf(path, bufp, size, offset, FuseFileInfo.of(fi))));
        }
        if (!missing.contains("flock")) {
            ops.flock.set((path, fi, op) -> call("flock", path, (fs) -> fs.flock(path, FuseFileInfo.of(fi), op)));
        }
        if (!missing.contains("fallocate")) {
            ops.fallocate.set((path, mode, offset, length, fi) -> call("fallocate", path,
                    (fs) -> fs.fallocate(path, mode, offset, length, FuseFileInfo.of(fi))));
        }
    }

    /**
     * jnr-fuse's converter from libfuse's filler pointer to {@link FuseFillDir}. Resolved on first use:
     * jnr-fuse's ClosureHelper only works once jnr-ffi has built a closure for this class loader, which
     * building the operations table does.
     */
    private static final class FillDir {

        static final FromNativeConverter<FuseFillDir, Pointer> CONVERTER = ClosureHelper.getInstance()
            .getNativeConveter(FuseFillDir.class);

    }

}
