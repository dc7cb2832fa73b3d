// Finds and checks mounts one by one (statx, statmount, our descriptor); mountinfo only on older kernels.
package io.github.fusespringboot.mount;

import java.nio.file.Path;
import java.util.Optional;

import io.github.fusespringboot.mount.natives.Errno;
import io.github.fusespringboot.mount.natives.KernelMounts;
import io.github.fusespringboot.mount.natives.KernelMounts.Description;
import io.github.fusespringboot.mount.natives.KernelMounts.PathMount;

/**
 * The engine's questions about mounts, each answered without reading {@code /proc/self/mountinfo}
 * (whose size, and so the cost of reading it, grows with every mount on the host): which mount sits
 * on a directory, whether it is still ours, whether our connection id is still ours. On kernels
 * before 6.8 (no unique mount id in statx, no statmount) every answer comes from {@link MountTable}
 * as before; the system property {@value #MOUNTINFO_ONLY_PROPERTY}{@code =true} forces that.
 *
 * <p>
 * No question here sends a request to the mount it is about (see {@link KernelMounts}): they are
 * safe from the thread that mounts before the server answers INIT, and on a mount whose server is
 * wedged. (A path is walked as any lookup walks it, through the directories above the mount.)
 */
final class MountLookup {

    /** {@code -Dfuse.engine.mountinfo-only=true}: answer everything from mountinfo, as on kernels before 6.8. */
    static final String MOUNTINFO_ONLY_PROPERTY = "fuse.engine.mountinfo-only";

    private static volatile boolean mountinfoOnly = Boolean.getBoolean(MOUNTINFO_ONLY_PROPERTY);

    private MountLookup() {
    }

    /** Whether answers come from statx and statmount (Linux 6.8+, not forced to mountinfo). */
    static boolean fast() {
        return !mountinfoOnly && KernelMounts.isAvailable();
    }

    /** Forces (or stops forcing) the mountinfo path; for tests of the fallback. */
    static void mountinfoOnly(boolean value) {
        mountinfoOnly = value;
    }

    /** The topmost mount on exactly this directory, if it is a mount point. */
    static Optional<MountTable.Entry> at(Path dir) {
        return at(dir, stat(dir));
    }

    /**
     * What statx says about {@code dir} (not following it: its type and mode, and the mount it is
     * on), for {@link #at(Path, PathMount)} and the caller alike; null on the mountinfo path.
     */
    static PathMount stat(Path dir) {
        return fast() ? KernelMounts.statx(dir.toString()) : null;
    }

    /** {@link #at(Path)} with what {@link #stat(Path)} said about {@code dir} just now. */
    static Optional<MountTable.Entry> at(Path dir, PathMount path) {
        if (path != null && fast()) {
            if (path.ok()) {
                if (!path.mountRoot()) {
                    return Optional.empty();
                }
                Description mount = KernelMounts.statmount(path.mountId());
                if (mount.ok() && mount.complete()) {
                    return Optional.of(new MountTable.Entry(mount.oldMountId(), mount.devMajor(), mount.devMinor(),
                            mount.mountPoint(), mount.type(), mount.source()));
                }
            }
            else if (path.errno() == Errno.ENOENT || path.errno() == Errno.ENOTDIR) {
                return Optional.empty();
            }
        }
        return MountTable.read().find(dir);
    }

    /**
     * The FUSE connection id (the fusectl directory name): the kernel names a connection after its
     * superblock's device number, {@code MKDEV(major, minor)} in the kernel's own encoding (20 bits of
     * minor; fs/fuse/control.c), which is the minor alone for the anonymous devices FUSE uses.
     */
    static int connectionId(int major, int minor) {
        return (major << 20) | minor;
    }

    /** Who a mount is, once mount(2) returned: its unique mount id (0 when unknown) and connection id (-1). */
    record Identity(long mountId, int connectionId) {

        static final Identity UNKNOWN = new Identity(0, -1);

    }

    /** Identifies the mount just made on {@code target}, if the topmost mount there has our source. */
    static Identity identify(Path target, String source) {
        PathMount path = fast() ? KernelMounts.statx(target.toString()) : null;
        if (path != null && path.ok() && path.mountRoot()) {
            String topmost = KernelMounts.source(path.mountId());
            if (topmost != null) {
                return topmost.equals(source)
                        ? new Identity(path.mountId(), connectionId(path.devMajor(), path.devMinor())) : Identity.UNKNOWN;
            }
        }
        MountTable.Entry entry = MountTable.read().find(target).filter((e) -> e.source().equals(source)).orElse(null);
        if (entry == null) {
            return Identity.UNKNOWN;
        }
        // a kernel with unique ids but no source in statmount (6.8 to 6.12): keep the id if it is that mount
        boolean same = path != null && path.ok() && path.mountRoot() && path.devMajor() == entry.major()
                && path.devMinor() == entry.minor();
        return new Identity(same ? path.mountId() : 0, entry.connectionId());
    }

    /**
     * Whether the topmost mount on {@code target} is somebody else's: by path, an unmount takes down
     * whatever was mounted last, which may be a mount stacked on top of ours. False when it is ours
     * or nothing is mounted there (the unmount itself then says EINVAL).
     */
    static boolean othersOnTop(Path target, Identity ours, String source) {
        if (fast() && ours.mountId() != 0) {
            PathMount path = KernelMounts.statx(target.toString());
            if (path.ok()) {
                return path.mountRoot() && path.mountId() != ours.mountId();
            }
            if (path.errno() == Errno.ENOENT) {
                return false;
            }
        }
        MountTable.Entry top = MountTable.read().find(target).orElse(null);
        if (top == null) {
            return false;
        }
        boolean mine = top.source().equals(source)
                && (ours.connectionId() < 0 || (top.isFuse() && top.connectionId() == ours.connectionId()));
        return !mine;
    }

    /** Whom a connection id belongs to now. */
    enum Owner {

        /** Our connection: aborting it through fusectl ends our session and nobody else's. */
        OURS,

        /** Our connection has ended already (aborted, or its superblock is gone): nothing to abort. */
        ENDED,

        /** Another mount has the id now: the kernel reused it after ours ended. Never abort it. */
        OTHERS

    }

    /**
     * Whom {@code connectionId} belongs to. Asked of our own {@code /dev/fuse} descriptor: while it
     * reports its connection connected, the superblock (whose device number is the id) exists, so the
     * id is ours. Without an answer from the descriptor (or on the mountinfo path): the id is somebody
     * else's when a FUSE mount with another source lists it.
     */
    static Owner ownerOf(int connectionId, int fd, String source) {
        if (!mountinfoOnly) {
            switch (KernelMounts.connectionState(fd)) {
                case CONNECTED:
                    return Owner.OURS;
                case ENDED:
                    return Owner.ENDED;
                default:
                    break;
            }
        }
        for (MountTable.Entry entry : MountTable.read().entries()) {
            if (entry.isFuse() && entry.connectionId() == connectionId && !entry.source().equals(source)) {
                return Owner.OTHERS;
            }
        }
        return Owner.OURS;
    }

    /**
     * Why our mount no longer serves {@code mountPoint} (gone from this mount namespace, or moved), or
     * null when it still does. With a mount id, statmount answers without touching any filesystem
     * (not even the directories above the mount point); a mount stacked on top is not seen here.
     */
    static String notMounted(Identity ours, Path mountPoint, String source) {
        String gone = mountPoint + " is no longer mounted by this application (unmounted from outside?)";
        if (fast() && ours.mountId() != 0) {
            Description mount = KernelMounts.statmount(ours.mountId());
            if (mount.errno() == Errno.ENOENT) {
                return gone;
            }
            if (mount.ok()) {
                return (mount.mountPoint().isEmpty() || mount.mountPoint().equals(mountPoint.toString())) ? null
                        : mountPoint + " is no longer mounted by this application (its mount was moved to "
                                + mount.mountPoint() + ")";
            }
        }
        boolean listed = MountTable.read().find(mountPoint).filter((entry) -> entry.source().equals(source)).isPresent();
        return listed ? null : gone;
    }

    /**
     * Whether another mount sits on top of ours at {@code mountPoint}: then clients see that one, and
     * a probe by path would probe that one. Walks the path (never into our mount's server, see
     * {@link KernelMounts#statx}); false when unknown.
     */
    static boolean coveredByAnother(Identity ours, Path mountPoint) {
        if (!fast() || ours.mountId() == 0) {
            return false; // the mountinfo path sees the topmost mount in notMounted already
        }
        PathMount path = KernelMounts.statx(mountPoint.toString());
        return path.ok() && path.mountRoot() && path.mountId() != ours.mountId();
    }

}
