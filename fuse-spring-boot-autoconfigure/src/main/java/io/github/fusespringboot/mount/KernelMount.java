// The kernel side of one mount: /dev/fuse, mount(2) or the fusermount helper, one unmount step, the connection abort.
package io.github.fusespringboot.mount;

import static io.github.fusespringboot.mount.FuseMount.DEVICE;
import static io.github.fusespringboot.mount.FuseMount.HELPER_MINIMUM;
import static io.github.fusespringboot.mount.FuseMount.PRIVILEGE_ADVICE;
import static io.github.fusespringboot.mount.FuseMount.SUBTYPE;
import static io.github.fusespringboot.mount.FuseMount.TYPE;

import java.time.Duration;

import io.github.fusespringboot.mount.natives.Errno;
import io.github.fusespringboot.mount.natives.Fusermount;
import io.github.fusespringboot.mount.natives.Native;
import io.github.fusespringboot.mount.natives.NativeCallException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes and takes down the kernel mount of one mount (direct mount(2) or the set-uid helper), knows
 * who the kernel mount is, and aborts its FUSE connection only while it is still ours.
 */
final class KernelMount {

    private static final Logger logger = LoggerFactory.getLogger(FuseMount.class);

    /** What {@link #topmostMountIsOurs} (and so an unmount step) returns when the topmost mount is not ours. */
    static final int FOREIGN_ON_TOP = -1;

    /** How the kernel mount has the serving session built on its descriptor, and dropped again. */
    interface Sessions {

        /**
         * Builds the session on {@code fd} (which it owns from then on, failed or not), with the spec's
         * engine; throws a {@link FuseMountException} when it cannot.
         */
        void open(int fd, MountOptions options);

        /** Destroys the session built, after mount(2) refused its descriptor. */
        void discard();

        /** The session's /dev/fuse descriptor, or -1 while there is none. */
        int fd();

    }

    private final MountSpec spec;

    private final MountPoint point;

    private final Sessions sessions;

    private volatile int connectionId = -1;

    /** Who the kernel mount is (unique mount id, connection id), read right after mount(2). */
    private volatile MountLookup.Identity identity = MountLookup.Identity.UNKNOWN;

    private volatile boolean kernelMounted;

    /** The fusermount helper that made the mount, or null for a direct mount. */
    private volatile String helper;

    KernelMount(MountSpec spec, MountPoint point, Sessions sessions) {
        this.spec = spec;
        this.point = point;
        this.sessions = sessions;
    }

    /** Whether mount(2) (or the helper) made the kernel mount. */
    boolean isMounted() {
        return this.kernelMounted;
    }

    /** The fusermount helper that made the mount, or null for a direct mount. */
    String helper() {
        return this.helper;
    }

    /** The kernel's FUSE connection id (fusectl), or -1 before the mount exists. */
    int connectionId() {
        return this.connectionId;
    }

    /** Who the kernel mount is; {@link MountLookup.Identity#UNKNOWN} before it exists. */
    MountLookup.Identity identity() {
        return this.identity;
    }

    /** Reads who the kernel mount is (its unique mount id and connection id). */
    void identify() {
        this.identity = MountLookup.identify(this.point.target(), source());
        this.connectionId = this.identity.connectionId();
    }

    private String name() {
        return this.spec.name();
    }

    private String source() {
        return FuseMount.SOURCE_PREFIX + this.spec.name();
    }

    private FuseMountException fail(MountPhase phase, int errno, String problem, String action, Throwable cause) {
        return this.point.fail(phase, errno, problem, action, cause);
    }

    private void undo() {
        this.point.undo(this.kernelMounted);
    }

    /**
     * Makes the kernel mount with the spec's strategy and builds the session on its descriptor. On
     * failure nothing is left mounted (and the directories the engine made are removed).
     */
    void mount(MountOptions options, long started) {
        MountStrategy strategy = this.spec.mountStrategy();
        FuseMountException refused = null;
        if (strategy != MountStrategy.FUSERMOUNT) {
            refused = mountDirect(options, strategy == MountStrategy.DIRECT_THEN_FUSERMOUNT);
            if (refused == null) {
                return;
            }
            logger.warn("FUSE mount '{}': direct mount refused with {} while {}; falling back to the fusermount "
                    + "helper (mount strategy direct-then-fusermount)", name(), Errno.describe(refused.errno()),
                    refused.phase().description());
        }
        mountWithHelper(options, started, refused);
    }

    /** Whether a direct mount failed for lack of privilege, the only failures a fallback may follow. */
    private static boolean isPermissionDenied(int errno) {
        return errno == Errno.EACCES || errno == Errno.EPERM;
    }

    /**
     * open + session + mount(2). Returns null when mounted. When {@code mayFallBack} and the kernel
     * refused for lack of privilege, returns that error with nothing left behind but the mount point
     * (the fallback still needs it); otherwise throws.
     */
    private FuseMountException mountDirect(MountOptions options, boolean mayFallBack) {
        int fd;
        try {
            fd = openDevice();
        }
        catch (FuseMountException ex) {
            if (mayFallBack && isPermissionDenied(ex.errno())) {
                return ex;
            }
            undo();
            throw ex;
        }
        try {
            this.sessions.open(fd, options);
        }
        catch (FuseMountException ex) {
            undo();
            throw ex;
        }
        try {
            mountSystemCall(fd, options);
        }
        catch (FuseMountException ex) {
            if (mayFallBack && isPermissionDenied(ex.errno())) {
                return ex;
            }
            undo();
            throw ex;
        }
        return null;
    }

    private int openDevice() {
        try {
            return Native.openFuseDevice(DEVICE);
        }
        catch (NativeCallException ex) {
            int errno = ex.errno();
            if (errno == Errno.ENOENT) {
                throw fail(MountPhase.OPEN_DEVICE, errno, DEVICE + " does not exist",
                        "Load the fuse kernel module (modprobe fuse); in a container pass the device "
                                + "(docker run --device /dev/fuse --cap-add SYS_ADMIN)", ex);
            }
            if (errno == Errno.EACCES || errno == Errno.EPERM) {
                throw fail(MountPhase.OPEN_DEVICE, errno, "not allowed to open " + DEVICE
                        + " (running as uid " + Native.effectiveUid() + ")",
                        PRIVILEGE_ADVICE, ex);
            }
            if (errno == Errno.ENODEV || errno == 6 /* ENXIO */) {
                throw fail(MountPhase.OPEN_DEVICE, errno, "the kernel has no FUSE driver behind " + DEVICE,
                        "Load the fuse kernel module (modprobe fuse)", ex);
            }
            throw fail(MountPhase.OPEN_DEVICE, errno, "cannot open " + DEVICE, null, ex);
        }
        catch (IllegalStateException ex) {
            throw fail(MountPhase.OPEN_DEVICE, 0, "native calls are not available: " + ex.getMessage(),
                    "The engine needs Linux with a working jnr-ffi", ex);
        }
    }

    private void mountSystemCall(int fd, MountOptions options) {
        String data = "fd=" + fd + ",rootmode=40000,user_id=" + Native.effectiveUid() + ",group_id="
                + Native.effectiveGid() + (options.kernelData().isEmpty() ? "" : "," + options.kernelData());
        try {
            Native.mount(source(), this.point.target().toString(), TYPE, options.flags(), data);
            this.kernelMounted = true;
        }
        catch (NativeCallException ex) {
            this.sessions.discard();
            int errno = ex.errno();
            if (errno == Errno.EPERM) {
                throw fail(MountPhase.MOUNT, errno, "mount(2) is not permitted (running as uid "
                        + Native.effectiveUid() + " without CAP_SYS_ADMIN)", PRIVILEGE_ADVICE, ex);
            }
            if (errno == Errno.ENODEV) {
                throw fail(MountPhase.MOUNT, errno, "the kernel does not know the filesystem type fuse",
                        "Load the fuse kernel module (modprobe fuse)", ex);
            }
            if (errno == Errno.EINVAL) {
                throw fail(MountPhase.MOUNT, errno, "the kernel rejected the mount data '" + data + "'",
                        "Check the mount's kernel options (allow_other, default_permissions, max_read)", ex);
            }
            throw fail(MountPhase.MOUNT, errno, "mount(2) failed", null, ex);
        }
    }

    // ------------------------------------------------------------------ the fusermount helper

    /**
     * Mounts through the set-uid helper: it opens /dev/fuse, mounts it and sends the descriptor back
     * (see {@link Fusermount}); the session is then built on that descriptor as in a direct mount.
     */
    private void mountWithHelper(MountOptions options, long started, FuseMountException refused) {
        String before = (refused != null) ? "direct mount was refused (" + Errno.name(refused.errno())
                + ") and then " : "";
        FileDescriptorReservation.reserve();
        String helper = Fusermount.find().orElse(null);
        if (helper == null) {
            undo();
            throw fail(MountPhase.MOUNT, Errno.ENOENT, before + "no fusermount helper was found (looked for "
                    + String.join(" and ", Fusermount.NAMES) + " on PATH, in /usr/bin and /bin)",
                    "Install fuse3 (Debian/Ubuntu: apt-get install fuse3; Fedora/RHEL: dnf install fuse3), or run "
                            + "as root with the default mount strategy 'direct'", null);
        }
        String helperOptions = options.helperOptions() + ",fsname=" + source() + ",subtype=" + SUBTYPE;
        Duration remaining = this.spec.mountTimeout().minusNanos(System.nanoTime() - started);
        Fusermount.Outcome outcome;
        try {
            outcome = Fusermount.mount(helper, this.point.target().toString(), helperOptions, remaining);
        }
        catch (NativeCallException | IllegalStateException ex) {
            undo();
            throw fail(MountPhase.MOUNT, (ex instanceof NativeCallException n) ? n.errno() : 0,
                    before + "could not start " + helper + ": " + ex.getMessage(), null, ex);
        }
        if (outcome.fd() < 0) {
            // it may have mounted and then died before handing over the descriptor: leave nothing behind
            detachLeftover(helper);
            undo();
            throw fail(MountPhase.MOUNT, outcome.errno(), before + helper + " did not mount ("
                    + outcome.describe() + ")", FusermountAdvice.helperAdvice(helper, outcome, this.spec.mountTimeout()), null);
        }
        this.helper = helper;
        this.kernelMounted = true;
        if (!outcome.output().isBlank()) {
            logger.warn("FUSE mount '{}': {} mounted it and said: {}", name(), helper, outcome.output().strip());
        }
        if (outcome.exitStatus() != 0) {
            logger.warn("FUSE mount '{}': {} handed over the descriptor but then ended with {}", name(), helper,
                    outcome.describe());
        }
        try {
            this.sessions.open(outcome.fd(), options);
        }
        catch (FuseMountException ex) {
            // the descriptor is closed with the failed session, so the mount is dead: detach it
            helperUnmount(helper, true, System.nanoTime() + this.spec.unmountTimeout().toNanos());
            undo();
            throw ex;
        }
    }

    /** After a helper failed to hand over a descriptor: lazily unmount a mount of ours it may have left. */
    private void detachLeftover(String helper) {
        boolean left = MountLookup.at(this.point.target())
            .filter((entry) -> entry.source().equals(source()))
            .isPresent();
        if (left) {
            logger.warn("FUSE mount '{}': {} left a mount on {} without handing over its descriptor; detaching it",
                    name(), helper, this.point.target());
            helperUnmount(helper, true, System.nanoTime() + this.spec.unmountTimeout().toNanos());
        }
    }

    /**
     * One run of {@code fusermount3 -u [-z]}, given until the deadline but at least
     * {@link FuseMount#HELPER_MINIMUM}. Returns 0 or the errno the helper reported (EIO when it named none).
     */
    private int helperUnmount(String helper, boolean lazy, long deadline) {
        Duration time = Duration.ofNanos(Math.max(deadline - System.nanoTime(), HELPER_MINIMUM.toNanos()));
        Fusermount.Outcome outcome;
        try {
            outcome = Fusermount.unmount(helper, this.point.target().toString(), lazy, time);
        }
        catch (NativeCallException | IllegalStateException ex) {
            logger.warn("FUSE mount '{}': could not start {}: {}", name(), helper, ex.getMessage());
            return (ex instanceof NativeCallException n && n.errno() != 0) ? n.errno() : Errno.EIO;
        }
        if (outcome.succeeded()) {
            return 0;
        }
        int errno = outcome.errno();
        if (errno != Errno.EBUSY) {
            logger.debug("FUSE mount '{}': {} -u{} {}: {}", name(), helper, lazy ? " -z" : "", this.point.target(),
                    outcome.describe());
        }
        return (errno != 0) ? errno : Errno.EIO;
    }

    /** umount2 for a direct mount, the helper for a helper mount. Returns 0 or an errno. */
    int unmountOnce(boolean lazy, long deadline) {
        int ownership = topmostMountIsOurs();
        if (ownership != 0) {
            return ownership;
        }
        String helper = this.helper;
        if (helper != null) {
            return helperUnmount(helper, lazy, deadline);
        }
        return Native.umount2(this.point.target().toString(), (lazy ? Native.MNT_DETACH : 0) | Native.UMOUNT_NOFOLLOW);
    }

    /**
     * Aborts our FUSE connection through fusectl, unless its id is no longer ours: a connection id is
     * the minor number of the mount's device, which the kernel hands to the next mount as soon as ours
     * is gone: so it is aborted only while our own descriptor says the connection still exists
     * ({@link MountLookup#ownerOf}).
     */
    boolean abortOwnConnection() {
        int id = this.connectionId;
        if (id < 0) {
            return false;
        }
        switch (MountLookup.ownerOf(id, this.sessions.fd(), source())) {
            case OTHERS:
                logger.debug("FUSE mount '{}': connection {} now belongs to another mount; not aborting it", name(), id);
                return false;
            case ENDED:
                logger.debug("FUSE mount '{}': connection {} has ended already", name(), id);
                return true;
            default:
                return FuseConnections.abort(id);
        }
    }

    /**
     * Whether the topmost mount on our directory is ours: by path, an unmount takes down whatever was
     * mounted last, which may be somebody else's mount on top of ours. Returns 0 when it is ours (or
     * nothing is listed there), or {@link #FOREIGN_ON_TOP}.
     */
    private int topmostMountIsOurs() {
        // nothing mounted there counts as ours: the unmount itself tells (EINVAL)
        return MountLookup.othersOnTop(this.point.target(), this.identity, source()) ? FOREIGN_ON_TOP : 0;
    }

}
