// Takes down a FUSE mount that nobody will unmount any more: aborts its connection and detaches it.
package io.github.fusespringboot.mount;

import java.time.Duration;
import java.util.Optional;

import io.github.fusespringboot.mount.natives.Errno;
import io.github.fusespringboot.mount.natives.Fusermount;
import io.github.fusespringboot.mount.natives.Native;
import io.github.fusespringboot.mount.natives.NativeCallException;

/**
 * Clean-up for test harnesses and tools, not for normal operation (a {@link FuseMount} unmounts
 * itself): a mount found in the {@link MountTable} that was left behind, by a test that forgot it or by
 * a process that died, is taken down without waiting for its server. The connection is aborted
 * through fusectl (every waiting request fails with {@code ENOTCONN}, so nothing blocks on it), then
 * the mount is detached lazily ({@code umount2(MNT_DETACH)}; for a normal user, who may not call it,
 * {@code fusermount3 -u -z}). Never waits longer than {@link #HELPER_TIMEOUT}.
 *
 * <p>
 * Whatever was serving the mount sees its connection end: use it only on mounts you own.
 */
public final class ForcedUnmount {

    /** The most a run of the fusermount helper is given. */
    public static final Duration HELPER_TIMEOUT = Duration.ofSeconds(2);

    private ForcedUnmount() {
    }

    /**
     * Aborts the connection of a FUSE mount and detaches it.
     * @param entry a FUSE entry of the mount table
     * @return empty when the mount is gone (or was gone already), else why it could not be detached
     * @throws IllegalArgumentException when the entry is not a FUSE mount
     */
    public static Optional<String> abortAndDetach(MountTable.Entry entry) {
        if (!entry.isFuse()) {
            throw new IllegalArgumentException(entry.mountPoint() + " is not a FUSE mount (type " + entry.type() + ")");
        }
        String dir = entry.mountPoint();
        FuseConnections.abort(entry.connectionId());
        int errno = Native.umount2(dir, Native.MNT_DETACH | Native.UMOUNT_NOFOLLOW);
        if (errno == Errno.EPERM) {
            // a normal user: the set-uid helper may detach that user's own mounts
            Optional<String> helper = Fusermount.find();
            if (helper.isPresent()) {
                try {
                    Fusermount.Outcome outcome = Fusermount.unmount(helper.get(), dir, true, HELPER_TIMEOUT);
                    errno = outcome.succeeded() ? 0 : (outcome.errno() != 0) ? outcome.errno() : Errno.EIO;
                }
                catch (NativeCallException ex) {
                    return Optional.of("cannot detach " + dir + ": " + ex.getMessage());
                }
            }
        }
        if (errno == 0 || errno == Errno.EINVAL) {
            return Optional.empty(); // EINVAL: not a mount point (any more)
        }
        return Optional.of("cannot detach " + dir + ": " + Errno.describe(errno));
    }

}
