// What the engine's filesystem bridge sees of one mount.
package io.github.fusespringboot.mount;

import java.util.function.Supplier;

import io.github.fusespringboot.mount.natives.Errno;
import io.github.fusespringboot.mount.natives.SessionCallbacks;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.serce.jnrfuse.FuseFS;

/**
 * What the filesystem bridge sees of one mount: its filesystem, a guarded call into it that counts
 * failures and reports timings, and what its init returned or threw.
 */
final class MountCallbacks implements SessionCallbacks {

    private static final Logger logger = LoggerFactory.getLogger(FuseMount.class);

    private final FuseMount mount;

    private final FuseFS filesystem;

    /** Who is told each operation's timing now (null while nobody wants them). */
    private final Supplier<MountListener> operationListener;

    private final CallbackErrorLog errors;

    private volatile Throwable initError;

    private volatile Pointer initResult;

    MountCallbacks(FuseMount mount, FuseFS filesystem, Supplier<MountListener> operationListener,
            CallbackErrorLog errors) {
        this.mount = mount;
        this.filesystem = filesystem;
        this.operationListener = operationListener;
        this.errors = errors;
    }

    /** What the filesystem's init threw, or null. */
    Throwable initError() {
        return this.initError;
    }

    @Override
    public FuseFS filesystem() {
        return this.filesystem;
    }

    @Override
    public int invoke(String operation, String path, Operation call) {
        MountListener observer = this.operationListener.get();
        long started = (observer != null) ? System.nanoTime() : 0;
        boolean failed = false;
        try {
            return call.apply(this.filesystem);
        }
        catch (Throwable ex) {
            failed = true;
            this.errors.record(operation, path, ex);
            return -Errno.EIO;
        }
        finally {
            if (observer != null) {
                observer.operation(this.mount, operation, System.nanoTime() - started, failed);
            }
        }
    }

    @Override
    public void initFailed(Throwable error) {
        this.initError = error;
        logger.error("FUSE mount '{}': the filesystem's init() threw", this.mount.name(), error);
    }

    @Override
    public void initResult(Pointer result) {
        this.initResult = result;
    }

    @Override
    public Pointer initResult() {
        return this.initResult;
    }

}
