// Recognises a dead FUSE mount on a mount point and cleans it, with every probe bounded.
package io.github.fusespringboot.mount;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.fusespringboot.mount.natives.Errno;
import io.github.fusespringboot.mount.natives.Fusermount;
import io.github.fusespringboot.mount.natives.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides about a directory that is already a mount point. A probe ({@code statx} of the directory)
 * runs on a thread of its own and is given {@link #PROBE_TIMEOUT}: on a wedged mount it would block
 * forever. ENOTCONN means dead; an answer means live; no answer means wedged, which is left alone.
 */
final class StaleMounts {

    private static final Logger logger = LoggerFactory.getLogger(StaleMounts.class);

    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    private StaleMounts() {
    }

    /** What a mount point's existing mount is. */
    enum Liveness {

        LIVE, DEAD, WEDGED

    }

    /** Why a mount point cannot be used, and what to do about it. */
    record Refusal(String problem, String action) {
    }

    /**
     * Cleans {@code entry} if the policy allows it; otherwise says why the mount must be refused.
     * {@code helper} (the fusermount helper, or null) detaches it when umount2 is not permitted.
     * @return null when the directory is free now
     */
    static Refusal handle(MountTable.Entry entry, StaleMountPolicy policy, String helper) {
        String dir = entry.mountPoint();
        String unmountIt = "Unmount it first (umount " + dir + "), or choose another directory";
        if (!entry.isFuse()) {
            return new Refusal("the directory is already a mount point (type " + entry.type() + ", source "
                    + entry.source() + ")", unmountIt);
        }
        boolean ours = entry.source().startsWith(FuseMount.SOURCE_PREFIX);
        String what = (ours ? "a FUSE mount of this starter" : "a FUSE mount") + " (type " + entry.type()
                + ", source " + entry.source() + ")";
        switch (probe(dir)) {
            case LIVE:
                return new Refusal("the directory is already a mount point of a live " + what
                        + "; a live mount is never unmounted for you", unmountIt);
            case WEDGED:
                return new Refusal("the directory is already a mount point of " + what + " that does not answer within "
                        + PROBE_TIMEOUT.toMillis() + " ms; it may be busy, so it is left alone", unmountIt);
            default:
                break;
        }
        boolean allowed = policy == StaleMountPolicy.CLEAN_ANY_DEAD || (ours && policy == StaleMountPolicy.CLEAN_OURS);
        if (!allowed) {
            return new Refusal("the directory is already a mount point of a dead " + what
                    + " (Transport endpoint is not connected)", "Clean it (scripts/fuse-cleanup " + dir
                            + ", or umount -l " + dir + "), let the engine clean dead mounts "
                            + "(fuse.clean-stale-mounts=clean-any-dead), or choose another directory");
        }
        FuseConnections.abort(entry.connectionId());
        int errno = Native.umount2(dir, Native.MNT_DETACH | Native.UMOUNT_NOFOLLOW);
        if (errno == Errno.EPERM && helper != null) {
            // a normal user: the set-uid helper may detach a mount of this user
            Fusermount.Outcome outcome = Fusermount.unmount(helper, dir, true, PROBE_TIMEOUT.multipliedBy(2));
            errno = outcome.succeeded() ? 0 : (outcome.errno() != 0) ? outcome.errno() : Errno.EIO;
        }
        if (errno != 0 && errno != Errno.EINVAL) {
            return new Refusal("the directory holds a dead " + what + " that could not be detached: "
                    + Errno.describe(errno), "Clean it as root: scripts/fuse-cleanup " + dir);
        }
        logger.warn("Cleaned up {}, left dead on {} (aborted connection {}, detached)", what, dir,
                entry.connectionId());
        return null;
    }

    static Liveness probe(String path) {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> result.complete(Native.statxForceSync(path)), "fuse-stale-probe");
        thread.setDaemon(true);
        thread.start();
        try {
            int errno = result.get(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return (errno == Errno.ENOTCONN || errno == Errno.ECONNABORTED) ? Liveness.DEAD : Liveness.LIVE;
        }
        catch (TimeoutException ex) {
            return Liveness.WEDGED;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return Liveness.WEDGED;
        }
        catch (ExecutionException ex) {
            return Liveness.WEDGED;
        }
    }

}
