// Taking one mount down: busy retries, lazy detach and the connection abort, each bounded.
package io.github.fusespringboot.mount;

import static io.github.fusespringboot.mount.FuseMount.ABORT_GRACE;
import static io.github.fusespringboot.mount.KernelMount.FOREIGN_ON_TOP;

import java.time.Duration;

import io.github.fusespringboot.mount.natives.Errno;
import io.github.fusespringboot.mount.natives.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The unmount escalation of one mount ({@link MountSpec#unmountEscalation()} says which rungs it may
 * climb), and the bounded undo of a mount that reached mount(2) but did not become ready.
 */
final class Unmounter {

    private static final Logger logger = LoggerFactory.getLogger(FuseMount.class);

    private final MountSpec spec;

    private final MountPoint point;

    private final KernelMount kernel;

    private final MountServing serving;

    Unmounter(MountSpec spec, MountPoint point, KernelMount kernel, MountServing serving) {
        this.spec = spec;
        this.point = point;
        this.kernel = kernel;
        this.serving = serving;
    }

    private String name() {
        return this.spec.name();
    }

    private FuseMountException fail(MountPhase phase, int errno, String problem, String action, Throwable cause) {
        return this.point.fail(phase, errno, problem, action, cause);
    }

    private void undo() {
        this.point.undo(this.kernel.isMounted());
    }

    /** Undoes a mount that reached mount(2) but did not become ready. Bounded. */
    void abandonAfterMount() {
        this.kernel.unmountOnce(true, System.nanoTime() + this.spec.unmountTimeout().toNanos());
        if (!this.serving.awaitLoopEnd(this.spec.unmountTimeout())) {
            this.kernel.abortOwnConnection();
            if (!this.serving.awaitLoopEnd(ABORT_GRACE)) {
                this.serving.freeWhenServingEnds();
                return;
            }
        }
        this.serving.finishSession();
        undo();
    }

    /**
     * Unmounts within {@code timeout} from {@code started}: returns null when done, or the failure.
     * @throws StillMountedException when it stopped before changing anything
     */
    FuseMountException escalate(Duration timeout, long started) {
        UnmountEscalation rungs = this.spec.unmountEscalation();
        String path = this.point.target().toString();
        long deadline = started + timeout.toNanos();
        long busyUntil = started + timeout.toNanos() / 2;
        int errno = this.kernel.unmountOnce(false, busyUntil);
        long backoffMillis = 1;
        while (errno == Errno.EBUSY && rungs.retryWhileBusy() && System.nanoTime() < busyUntil) {
            sleepQuietly(Math.min(backoffMillis, Math.max(1, (busyUntil - System.nanoTime()) / 1_000_000)));
            backoffMillis = Math.min(backoffMillis * 2, 100);
            errno = this.kernel.unmountOnce(false, busyUntil);
        }
        if (errno == FOREIGN_ON_TOP) {
            // umount2 by path would take down the other mount; ending our connection ends our session
            logger.warn("FUSE mount '{}': another mount sits on top of it at {}; not unmounting that one, "
                    + "aborting our FUSE connection {} instead", name(), path, this.kernel.connectionId());
            this.kernel.abortOwnConnection();
            errno = 0;
        }
        if (errno == Errno.EBUSY) {
            if (!rungs.lazyDetach()) {
                throw new StillMountedException(fail(MountPhase.UNMOUNT, errno, "the mount is busy (a process has a file or directory open "
                        + "in it) and lazy detach is switched off", "Close what is open inside " + path
                                + ", or allow the lazy detach (fuse.unmount.lazy-detach)", null));
            }
            logger.warn("FUSE mount '{}' on {} is still busy; detaching it lazily", name(), path);
            errno = this.kernel.unmountOnce(true, deadline);
            if (errno == FOREIGN_ON_TOP) {
                this.kernel.abortOwnConnection();
                errno = 0;
            }
        }
        if (errno == Errno.EINVAL || errno == Errno.ENOENT) {
            logger.warn("FUSE mount '{}' on {} was no longer mounted (unmounted from outside?)", name(), path);
        }
        else if (errno != 0) {
            logger.warn("FUSE mount '{}': {} failed with {}", name(),
                    (this.kernel.helper() != null) ? this.kernel.helper() + " -u " + path : "umount2(" + path + ")", Errno.describe(errno));
        }
        if (!this.serving.awaitLoopEnd(Duration.ofNanos(deadline - System.nanoTime()))) {
            if (!rungs.abortConnection()) {
                this.serving.freeWhenServingEnds();
                return fail(MountPhase.UNMOUNT, 0, "the filesystem did not end within " + timeout
                        + " and aborting its connection is switched off", "Find what holds it (a callback that "
                                + "does not return, a process inside it), or allow the abort (fuse.unmount.abort-connection)",
                        null);
            }
            boolean aborted = this.kernel.abortOwnConnection();
            logger.warn("FUSE mount '{}' on {} did not end within {}; {} its FUSE connection {}{}", name(), path,
                    timeout, aborted ? "aborted" : "could not abort", this.kernel.connectionId(),
                    (aborted || Native.effectiveUid() == 0) ? ""
                            : " (a normal user can abort only its own connections, and only where fusectl is "
                                    + "mounted on /sys/fs/fuse/connections: mounting it needs root)");
            if (!this.serving.awaitLoopEnd(ABORT_GRACE)) {
                this.serving.freeWhenServingEnds();
                return fail(MountPhase.UNMOUNT, 0,
                        "its serving threads are still inside the filesystem after the connection was aborted "
                                + "(a callback that never returns); the session is freed once they return",
                        "Fix the filesystem callback that blocks; the threads are named " + LoopThreads.SERVING_PREFIX
                                + name(),
                        null);
            }
        }
        this.serving.finishSession();
        undo();
        return null;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /** Unmounting stopped before changing anything: the mount is still there. */
    static final class StillMountedException extends RuntimeException {

        final FuseMountException error;

        StillMountedException(FuseMountException error) {
            super(error.getMessage(), null, false, false);
            this.error = error;
        }

    }

}
