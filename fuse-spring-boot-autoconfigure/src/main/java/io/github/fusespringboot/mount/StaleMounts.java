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

    /**
     * Cleans {@code entry} if the policy allows it; otherwise returns a reason to refuse. {@code helper}
     * (the fusermount helper, or null) detaches it when umount2 is not permitted.
     * @return null when the directory is free now, or why the mount must be refused
     */
    static String handle(MountTable.Entry entry, StaleMountPolicy policy, String helper) {
        boolean ours = entry.source().startsWith(FuseMount.SOURCE_PREFIX);
        if (!entry.isFuse()) {
            return "the directory is already a mount point (type " + entry.type() + ", source " + entry.source() + ")";
        }
        Liveness liveness = probe(entry.mountPoint());
        String what = (ours ? "a FUSE mount of this starter" : "a FUSE mount") + " (type " + entry.type() + ", source "
                + entry.source() + ")";
        switch (liveness) {
            case LIVE:
                return "the directory already holds a live " + what + "; it is never unmounted for you";
            case WEDGED:
                return "the directory holds " + what + " that does not answer within " + PROBE_TIMEOUT.toMillis()
                        + " ms; it may be busy, so it is left alone";
            default:
                break;
        }
        boolean allowed = policy == StaleMountPolicy.CLEAN_ANY_DEAD || (ours && policy == StaleMountPolicy.CLEAN_OURS);
        if (!allowed) {
            return "the directory holds a dead " + what + " (Transport endpoint is not connected)";
        }
        FuseConnections.abort(entry.connectionId());
        int errno = Native.umount2(entry.mountPoint(), Native.MNT_DETACH | Native.UMOUNT_NOFOLLOW);
        if (errno == Errno.EPERM && helper != null) {
            // a normal user: the set-uid helper may detach a mount of this user
            Fusermount.Outcome outcome = Fusermount.unmount(helper, entry.mountPoint(), true, PROBE_TIMEOUT.multipliedBy(2));
            errno = outcome.succeeded() ? 0 : (outcome.errno() != 0) ? outcome.errno() : Errno.EIO;
        }
        if (errno != 0 && errno != Errno.EINVAL) {
            return "the directory holds a dead " + what + " that could not be detached: " + Errno.describe(errno);
        }
        logger.warn("Cleaned up {}, left dead on {} (aborted connection {}, detached)", what, entry.mountPoint(),
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
