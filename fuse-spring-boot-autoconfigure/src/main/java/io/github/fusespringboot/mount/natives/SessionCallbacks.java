// What a mounted session offers the filesystem bridge: its filesystem and a guarded way to call it.
package io.github.fusespringboot.mount.natives;

import jnr.ffi.Pointer;
import ru.serce.jnrfuse.FuseFS;

/**
 * The engine's side of one live session, as the filesystem bridge sees it: the filesystem, a guarded
 * call into it, and what its {@code init} returned or threw.
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

    /** One call into the filesystem. */
    @FunctionalInterface
    interface Operation {

        int apply(FuseFS filesystem);

    }

}
