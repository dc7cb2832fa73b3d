// What a mounted session offers the native callbacks: its filesystem and a guarded way to call it.
package io.github.fusespringboot.mount.natives;

import jnr.ffi.Pointer;
import ru.serce.jnrfuse.FuseFS;

/**
 * The engine's side of one live session, as seen from libfuse's callbacks. The callbacks find it by
 * the id libfuse hands back as {@code fuse_get_context()->private_data}.
 */
public interface SessionCallbacks {

    /** The filesystem this session serves. */
    FuseFS filesystem();

    /**
     * Runs one filesystem operation and returns what goes back to the kernel (0, a positive count or
     * a negative errno). Must not throw: a failure becomes a negative errno here.
     */
    int invoke(String operation, String path, Operation operationCall);

    /** The filesystem's {@code init} threw: the mount must fail with this cause. */
    void initFailed(Throwable error);

    /** Remembers what the filesystem's {@code init} returned, to hand it to {@code destroy}. */
    void initResult(Pointer result);

    /** What the filesystem's {@code init} returned. */
    Pointer initResult();

    /**
     * What libfuse2 handed the filesystem's {@code init} in {@code fuse_conn_info}, read after the call:
     * the kernel's version, max_write, max_readahead and the capabilities wanted (FUSE_CAP_* bits, which
     * equal the kernel's INIT bits for the ones libfuse 2.9 knows). Called once per session.
     */
    default void connection(int kernelMajor, int kernelMinor, int maxWrite, int maxReadahead, long flags) {
    }

    /** One call into the filesystem. */
    @FunctionalInterface
    interface Operation {

        int apply(FuseFS filesystem);

    }

}
