// libfuse2 functions bound by symbol version (dlvsym) and called through jffi.
package io.github.fusespringboot.mount.natives;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.Function;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.Library;
import com.kenai.jffi.Type;
import jnr.ffi.Pointer;

/**
 * The libfuse2 calls the engine makes. Each symbol is looked up with its version, because
 * {@code libfuse.so.2} also exports old compat symbols under the plain names: a plain binding of
 * {@code fuse_new} resolves to the 2.2 signature that takes an fd (see ENGINE-NOTES.md and
 * {@code FUSE_SYMVER} in libfuse's lib/fuse.c).
 */
final class LibFuse2 {

    static final String LIBRARY = "libfuse.so.2";

    private static final int RTLD_NOW = 2;

    private static final LibFuse2 INSTANCE;

    private static final Throwable UNAVAILABLE;

    static {
        LibFuse2 instance = null;
        Throwable cause = null;
        try {
            instance = new LibFuse2();
        }
        catch (Throwable ex) {
            cause = ex;
        }
        INSTANCE = instance;
        UNAVAILABLE = cause;
    }

    private final Invoker invoker = Invoker.getInstance();

    private final Function kernChanNew;

    private final Function chanDestroy;

    private final Function chanBufsize;

    private final Function fuseNew;

    private final Function getSession;

    private final Function sessionProcess;

    private final Function fuseDestroy;

    private final Function getContext;

    private final Function optFreeArgs;

    private LibFuse2() {
        LibC libc = Native.libc();
        Pointer handle = libc.dlopen(LIBRARY, RTLD_NOW);
        if (handle == null) {
            throw new IllegalStateException("cannot load " + LIBRARY + ": " + loaderError());
        }
        this.kernChanNew = bind(libc, handle, "fuse_kern_chan_new", "FUSE_2.4", Type.POINTER, Type.SINT);
        this.chanDestroy = bind(libc, handle, "fuse_chan_destroy", "FUSE_2.4", Type.VOID, Type.POINTER);
        this.chanBufsize = bind(libc, handle, "fuse_chan_bufsize", "FUSE_2.4", Type.ULONG, Type.POINTER);
        this.fuseNew = bind(libc, handle, "fuse_new", "FUSE_2.6", Type.POINTER, Type.POINTER, Type.POINTER,
                Type.POINTER, Type.ULONG, Type.POINTER);
        this.getSession = bind(libc, handle, "fuse_get_session", "FUSE_2.6", Type.POINTER, Type.POINTER);
        this.sessionProcess = bind(libc, handle, "fuse_session_process", "FUSE_2.4", Type.VOID, Type.POINTER,
                Type.POINTER, Type.ULONG, Type.POINTER);
        this.fuseDestroy = bind(libc, handle, "fuse_destroy", "FUSE_2.2", Type.VOID, Type.POINTER);
        this.getContext = bind(libc, handle, "fuse_get_context", "FUSE_2.8", Type.POINTER);
        this.optFreeArgs = bind(libc, handle, "fuse_opt_free_args", "FUSE_2.5", Type.VOID, Type.POINTER);
    }

    /**
     * Why dlopen failed. dlerror() called through jnr-ffi right after the failed dlopen returned garbage
     * (seen with glibc 2.36); jffi's own dlopen keeps the message on the native side and hands it over.
     */
    private static String loaderError() {
        Library library = Library.openLibrary(LIBRARY, Library.NOW);
        return (library == null) ? Library.getLastError() : "dlopen failed";
    }

    private static Function bind(LibC libc, Pointer handle, String symbol, String version, Type result,
            Type... parameters) {
        Pointer address = libc.dlvsym(handle, symbol, version);
        if (address == null) {
            throw new IllegalStateException(
                    LIBRARY + " has no " + symbol + "@" + version + " (is this libfuse 2.9?): " + libc.dlerror());
        }
        return new Function(address.address(), result, parameters);
    }

    static LibFuse2 get() {
        if (INSTANCE == null) {
            // our own IllegalStateException says what failed; anything else (a jffi error) by its class too
            String why = (UNAVAILABLE instanceof IllegalStateException) ? UNAVAILABLE.getMessage()
                    : String.valueOf(UNAVAILABLE);
            throw new IllegalStateException("libfuse2 is not available: " + why, UNAVAILABLE);
        }
        return INSTANCE;
    }

    static Throwable unavailabilityCause() {
        return UNAVAILABLE;
    }

    private long call(Function f) {
        return this.invoker.invokeN0(context(f), f.getFunctionAddress());
    }

    private long call(Function f, long a) {
        return this.invoker.invokeN1(context(f), f.getFunctionAddress(), a);
    }

    private long call(Function f, long a, long b, long c, long d) {
        return this.invoker.invokeN4(context(f), f.getFunctionAddress(), a, b, c, d);
    }

    private long call(Function f, long a, long b, long c, long d, long e) {
        return this.invoker.invokeN5(context(f), f.getFunctionAddress(), a, b, c, d, e);
    }

    private static CallContext context(Function f) {
        return f.getCallContext();
    }

    /** {@code struct fuse_chan *fuse_kern_chan_new(int fd)}. */
    long kernChanNew(int fd) {
        return call(this.kernChanNew, fd);
    }

    /** {@code void fuse_chan_destroy(struct fuse_chan *ch)}: also closes the channel's fd. */
    void chanDestroy(long chan) {
        call(this.chanDestroy, chan);
    }

    /** {@code size_t fuse_chan_bufsize(struct fuse_chan *ch)}. */
    long chanBufsize(long chan) {
        return call(this.chanBufsize, chan);
    }

    /** {@code struct fuse *fuse_new(ch, args, op, op_size, user_data)}, version FUSE_2.6. */
    long fuseNew(long chan, long args, long ops, long opsSize, long userData) {
        return call(this.fuseNew, chan, args, ops, opsSize, userData);
    }

    /** {@code struct fuse_session *fuse_get_session(struct fuse *f)}. */
    long getSession(long fuse) {
        return call(this.getSession, fuse);
    }

    /** {@code void fuse_session_process(se, buf, len, ch)}: handles one request and writes its reply. */
    void sessionProcess(long session, long buffer, long length, long chan) {
        call(this.sessionProcess, session, buffer, length, chan);
    }

    /** {@code void fuse_destroy(struct fuse *f)}: calls destroy, frees the session, closes the fd. */
    void fuseDestroy(long fuse) {
        call(this.fuseDestroy, fuse);
    }

    /** {@code struct fuse_context *fuse_get_context(void)}, version FUSE_2.8. */
    long getContext() {
        return call(this.getContext);
    }

    /** {@code void fuse_opt_free_args(struct fuse_args *args)}. */
    void optFreeArgs(long args) {
        call(this.optFreeArgs, args);
    }

}
