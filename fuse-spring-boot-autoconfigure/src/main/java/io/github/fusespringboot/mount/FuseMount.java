// One managed mount: mounting, serving on engine-owned threads, and the bounded unmount escalation.
package io.github.fusespringboot.mount;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.fusespringboot.mount.natives.Errno;
import io.github.fusespringboot.mount.natives.FuseSession;
import io.github.fusespringboot.mount.natives.Fusermount;
import io.github.fusespringboot.mount.natives.Native;
import io.github.fusespringboot.mount.natives.NativeCallException;
import io.github.fusespringboot.mount.natives.SessionCallbacks;
import io.github.fusespringboot.mount.protocol.InitNegotiation;
import io.github.fusespringboot.mount.serve.ProtocolSession;
import io.github.fusespringboot.mount.serve.Reactor;
import io.github.fusespringboot.mount.serve.ServingHandle;
import io.github.fusespringboot.mount.serve.ServingSession;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.serce.jnrfuse.FuseFS;

/**
 * A filesystem mounted by the engine: its name, directory, state and filesystem. Closing it unmounts
 * it, within the unmount timeout whatever the filesystem does. Obtained from
 * {@link MountManager#mount(MountSpec)}.
 */
public final class FuseMount implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(FuseMount.class);

    /** Every mount's source in the mount table starts with this, followed by the mount's name. */
    public static final String SOURCE_PREFIX = "fuse-spring-boot:";

    /** The filesystem type every mount of ours has in the mount table. */
    public static final String TYPE = "fuse.fuse-spring-boot";

    /**
     * Every thread serving a mount is named this prefix and the mount's name ({@code fuse:<name>}, and
     * {@code fuse:<name>#K} for further threads of one mount); pooled threads are renamed when idle.
     * Leak checks look for it.
     */
    public static final String SERVING_THREAD_PREFIX = LoopThreads.SERVING_PREFIX;

    static final String DEVICE = "/dev/fuse";

    /** The subtype of every mount ({@code fuse.<subtype>} is {@link #TYPE}). */
    static final String SUBTYPE = TYPE.substring("fuse.".length());

    /** The least time one run of the fusermount helper is given, even when the unmount timeout is spent. */
    static final Duration HELPER_MINIMUM = Duration.ofMillis(500);

    /** After an abort, how long the serving threads get to notice before they are given up on. */
    static final Duration ABORT_GRACE = Duration.ofSeconds(2);

    /**
     * Whether protocol sessions are served by the engine-wide reactor (the default) rather than by
     * threads of their own ({@code -Dfuse.protocol.serving=threads}, kept for comparison).
     */
    static final boolean REACTOR = !"threads".equals(System.getProperty("fuse.protocol.serving"));

    private final MountSpec spec;

    private final MountManager manager;

    private final CallbackErrorLog errors;

    private final Callbacks callbacks = new Callbacks();

    private volatile MountState state = MountState.MOUNTING;

    private volatile Throwable failure;

    private volatile Instant since = Instant.now();

    private volatile Path target;

    private volatile Path createdDirectory;

    private volatile ServingSession session;

    private volatile int connectionId = -1;

    /** Who the kernel mount is (unique mount id, connection id), read right after mount(2). */
    private volatile MountLookup.Identity identity = MountLookup.Identity.UNKNOWN;

    private volatile boolean kernelMounted;

    /** The fusermount helper that made the mount, or null for a direct mount. */
    private volatile String helper;

    private final AtomicInteger workers = new AtomicInteger();

    private final AtomicInteger idleWorkers = new AtomicInteger();

    private final AtomicInteger threadNumbers = new AtomicInteger();

    private final CompletableFuture<Void> ready = new CompletableFuture<>();

    private final CompletableFuture<Void> loopEnded = new CompletableFuture<>();

    private final CompletableFuture<Void> mountDone = new CompletableFuture<>();

    private volatile CompletableFuture<Void> unmountDone = new CompletableFuture<>();

    private final AtomicBoolean unmountStarted = new AtomicBoolean();

    private volatile int loopErrno;

    /** Whether the session is registered with the protocol engine's reactor (and counted in workers). */
    private volatile boolean onReactor;

    /**
     * Set when mounting or unmounting gave up waiting for a serving thread stuck in a callback and
     * left the session allocated: the last serving thread to end frees it then (otherwise its
     * /dev/fuse descriptor and libfuse session would leak for the life of the JVM).
     */
    private volatile boolean freeWhenServingEnds;

    FuseMount(MountSpec spec, MountManager manager) {
        this.spec = spec;
        this.manager = manager;
        this.errors = new CallbackErrorLog(spec.name());
        this.target = spec.mountPoint();
    }

    /** The mount's name, unique within its manager. */
    public String name() {
        return this.spec.name();
    }

    /** The directory the filesystem is mounted on (symbolic links resolved once validated). */
    public Path mountPoint() {
        return this.target;
    }

    /** The filesystem being served. */
    public FuseFS filesystem() {
        return this.spec.filesystem();
    }

    /** The specification this mount was made from. */
    public MountSpec spec() {
        return this.spec;
    }

    /** The current state. */
    public MountState state() {
        return this.state;
    }

    /** Why the mount failed, when its state is FAILED. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(this.failure);
    }

    /** When the mount entered its current state. */
    public Instant since() {
        return this.since;
    }

    /** The kernel's FUSE connection id (fusectl), or -1 before the mount exists. */
    public int connectionId() {
        return this.connectionId;
    }

    /** Who the kernel mount is; {@link MountLookup.Identity#UNKNOWN} before it exists. */
    MountLookup.Identity identity() {
        return this.identity;
    }

    /**
     * What the session agreed with the kernel in FUSE_INIT (protocol version, max_write, max_readahead,
     * max_pages, time_gran, the flags enabled), or empty before INIT was answered.
     */
    public Optional<NegotiatedProtocol> negotiated() {
        if (this.session instanceof ProtocolSession protocol) {
            InitNegotiation.Outcome outcome = protocol.negotiated();
            return (outcome != null) ? Optional.of(NegotiatedProtocol.of(outcome)) : Optional.empty();
        }
        return Optional.ofNullable(this.callbacks.connection);
    }

    /** Whether any thread is still serving this mount's requests. */
    public boolean isServing() {
        return this.workers.get() > 0;
    }

    /**
     * How many threads serve this mount now: its own serving threads, or, on the protocol engine's
     * shared reactor, how many of its requests are running.
     */
    public int servingThreads() {
        int workers = this.workers.get();
        return this.onReactor ? Math.max(0, workers - 1) : workers;
    }

    /** How many filesystem callbacks have thrown so far. */
    public long callbackErrors() {
        return this.errors.total();
    }

    /** The identity this mount has in the mount table. */
    public String source() {
        return SOURCE_PREFIX + this.spec.name();
    }

    private void state(MountState newState) {
        this.state = newState;
        this.since = Instant.now();
    }

    // ------------------------------------------------------------------ mounting

    void mount() {
        long started = System.nanoTime();
        try {
            MountOptions options = parseOptions();
            prepareMountPoint(options);
            mountKernel(options, started);
            // now, not on first need: once somebody detaches the mount (umount -l) it leaves the mount
            // table, and the id is what still lets the escalation abort it
            this.identity = MountLookup.identify(this.target, source());
            this.connectionId = this.identity.connectionId();
            startServing();
            awaitInit(started);
            state(MountState.MOUNTED);
            logger.debug("Mounted '{}' on {} in {} us", name(), this.target, (System.nanoTime() - started) / 1000);
        }
        catch (FuseMountException ex) {
            this.failure = ex;
            state(MountState.FAILED);
            throw ex;
        }
        catch (RuntimeException | Error ex) {
            if (this.kernelMounted) {
                abandonAfterMount();
            }
            else {
                undo();
            }
            FuseMountException failure = fail(MountPhase.MOUNT, 0, "unexpected error: " + ex, null, ex);
            this.failure = failure;
            state(MountState.FAILED);
            throw failure;
        }
        finally {
            this.mountDone.complete(null);
        }
    }

    private MountOptions parseOptions() {
        if (!MountSpec.NAME.matcher(this.spec.name()).matches()) {
            throw fail(MountPhase.VALIDATE, 0, "the name '" + this.spec.name() + "' is not usable",
                    "Use letters, digits, '.', '_' and '-' (at most 100), starting with a letter or digit", null);
        }
        if (this.spec.mountTimeout().isNegative() || this.spec.mountTimeout().isZero()
                || this.spec.unmountTimeout().isNegative() || this.spec.unmountTimeout().isZero()) {
            throw fail(MountPhase.VALIDATE, 0, "timeouts must be positive (mount " + this.spec.mountTimeout()
                    + ", unmount " + this.spec.unmountTimeout() + ")", null, null);
        }
        if (this.spec.maxThreads() < 1) {
            throw fail(MountPhase.VALIDATE, 0, "maxThreads must be at least 1, not " + this.spec.maxThreads(), null,
                    null);
        }
        try {
            return MountOptions.parse(this.spec.options(), this.spec.readOnly()).requireEngine(this.spec.engine());
        }
        catch (IllegalArgumentException ex) {
            throw fail(MountPhase.VALIDATE, 0, ex.getMessage(),
                    "See README 'Mount options' for the options the engine accepts", null);
        }
    }

    private void prepareMountPoint(MountOptions options) {
        Path requested = this.spec.mountPoint();
        if (!requested.isAbsolute()) {
            throw fail(MountPhase.VALIDATE, 0, "the mount point '" + requested + "' is not an absolute path",
                    "Give an absolute path, e.g. /srv/fuse/" + name(), null);
        }
        Path path = requested.normalize();
        this.target = path;
        checkNotSystemDirectory(path);
        checkNotMountPoint(path);
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            if (!this.spec.createMountPoint()) {
                throw fail(MountPhase.VALIDATE, Errno.ENOENT, "the mount point does not exist",
                        "Create the directory, or let the engine create it (createMountPoint)", null);
            }
            createMountPoint(path);
        }
        Path real;
        try {
            real = path.toRealPath();
        }
        catch (IOException ex) {
            throw fail(MountPhase.VALIDATE, 0, "cannot resolve the mount point: " + ex, null, ex);
        }
        if (!Files.isDirectory(real)) {
            throw fail(MountPhase.VALIDATE, Errno.ENOTDIR, "the mount point is not a directory",
                    "Point it at a directory", null);
        }
        if (!real.equals(path)) {
            checkNotSystemDirectory(real);
            checkNotMountPoint(real);
            this.target = real;
        }
        if (!options.nonEmpty()) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(real)) {
                if (entries.iterator().hasNext()) {
                    throw fail(MountPhase.VALIDATE, 0, "the mount point is not empty (the mount would hide its files)",
                            "Empty it, choose another directory, or pass the option 'nonempty'", null);
                }
            }
            catch (IOException ex) {
                throw fail(MountPhase.VALIDATE, 0, "cannot list the mount point: " + ex, null, ex);
            }
        }
        warnIfWorldWritable(real);
    }

    private void checkNotSystemDirectory(Path path) {
        if (!this.spec.allowSystemDirectory() && SystemDirectories.isProtected(path)) {
            throw fail(MountPhase.VALIDATE, 0, path + " is a system directory",
                    "Mount below a directory of your own (e.g. /srv/fuse or /mnt), or allow system directories explicitly",
                    null);
        }
    }

    private void checkNotMountPoint(Path path) {
        MountTable.Entry entry = MountLookup.at(path).orElse(null);
        if (entry == null) {
            return;
        }
        StaleMounts.Refusal refusal = StaleMounts.handle(entry, this.spec.staleMountPolicy(),
                (this.spec.mountStrategy() != MountStrategy.DIRECT) ? Fusermount.find().orElse(null) : null);
        if (refusal != null) {
            throw fail(MountPhase.VALIDATE, Errno.EBUSY, refusal.problem(), refusal.action(), null);
        }
    }

    private void createMountPoint(Path path) {
        Path topmostMissing = path;
        for (Path parent = path.getParent(); parent != null && !Files.exists(parent); parent = parent.getParent()) {
            topmostMissing = parent;
        }
        try {
            Files.createDirectories(path);
            this.createdDirectory = topmostMissing;
        }
        catch (FileAlreadyExistsException ex) {
            throw fail(MountPhase.VALIDATE, Errno.ENOTDIR, "the mount point exists and is not a directory", null, ex);
        }
        catch (IOException ex) {
            throw fail(MountPhase.VALIDATE, 0, "cannot create the mount point: " + ex, null, ex);
        }
    }

    private void warnIfWorldWritable(Path path) {
        try {
            if (Files.getPosixFilePermissions(path).contains(PosixFilePermission.OTHERS_WRITE)) {
                logger.warn("FUSE mount '{}': mount point {} is world-writable; anyone can swap it for a link before "
                        + "the next mount", name(), path);
            }
        }
        catch (IOException | UnsupportedOperationException ex) {
            // only a warning
        }
    }

    /**
     * Makes the kernel mount with the spec's strategy and builds the session on its descriptor. On
     * failure nothing is left mounted (and the directories the engine made are removed).
     */
    private void mountKernel(MountOptions options, long started) {
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
            this.session = createSession(fd, options);
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

    /**
     * What to do when a direct mount lacks privilege. Both refusals (EACCES opening /dev/fuse, which is
     * what a normal user usually meets first, and EPERM from mount(2)) say the same.
     */
    public static final String PRIVILEGE_ADVICE = "Direct mount (mount strategy 'direct', the default) needs root or "
            + "CAP_SYS_ADMIN. As a normal user, mount through the set-uid fusermount3 helper instead: set "
            + "fuse.mount-strategy=fusermount (or fuse.mount-strategy=direct-then-fusermount to try direct first; "
            + "for one mount fuse.mounts.<name>.mount-strategy; without Spring "
            + "MountSpec.builder(...).mountStrategy(MountStrategy.FUSERMOUNT)). In a container: --device /dev/fuse "
            + "--cap-add SYS_ADMIN. Or run in a user namespace of your own (rootless Podman, unshare -Urm), where the "
            + "default direct mount works without root on the host as long as /dev/fuse is readable and writable by "
            + "the user. The engine never falls back to fusermount on its own";

    /**
     * What to do when libfuse2 cannot be loaded. The engine serves every mount through libfuse2's
     * session, so installing it is the only way to mount; fuse3's library does not provide it.
     */
    public static final String LIBFUSE2_ADVICE = "Install libfuse 2.9, which provides libfuse.so.2 (fuse3's "
            + "libfuse3.so.3 does not): Debian 12 and Ubuntu up to 23.10: apt-get install libfuse2; Debian 13 and "
            + "Ubuntu 24.04 or later: apt-get install libfuse2t64; Fedora, RHEL, CentOS: dnf install fuse-libs; "
            + "Alpine: apk add fuse";

    /** The other way out of a missing libfuse2: the protocol engine loads none. */
    public static final String PROTOCOL_ENGINE_ADVICE = "serve the mount with the protocol engine, which loads no "
            + "libfuse: fuse.engine=protocol (for one mount fuse.mounts.<name>.engine=protocol; without Spring "
            + "MountSpec.Builder.engine(SessionEngine.PROTOCOL))";

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

    /** The session serving this mount, or null before it exists (for tests of the engines). */
    ServingSession session() {
        return this.session;
    }

    /** Builds the session on {@code fd} (which it owns from then on, failed or not), with the spec's engine. */
    private ServingSession createSession(int fd, MountOptions options) {
        if (this.spec.engine() == SessionEngine.PROTOCOL) {
            try {
                return ProtocolSession.create(fd, options.givenLibraryOptions(), this.spec.filesystem(),
                        this.callbacks);
            }
            catch (RuntimeException ex) {
                throw fail(MountPhase.SESSION, 0, "the protocol engine could not start: " + ex, null, ex);
            }
        }
        try {
            return FuseSession.create(fd, options.libraryOptions(), this.spec.filesystem(), this.callbacks);
        }
        catch (IllegalStateException ex) {
            // LibFuse2 says "libfuse2 is not available: <why>" itself
            throw fail(MountPhase.SESSION, 0, ex.getMessage(), LIBFUSE2_ADVICE + "; or " + PROTOCOL_ENGINE_ADVICE, ex);
        }
        catch (NativeCallException ex) {
            throw fail(MountPhase.SESSION, ex.errno(), ex.getMessage(), "Check the mount's FUSE options", ex);
        }
    }

    private void mountSystemCall(int fd, MountOptions options) {
        String data = "fd=" + fd + ",rootmode=40000,user_id=" + Native.effectiveUid() + ",group_id="
                + Native.effectiveGid() + (options.kernelData().isEmpty() ? "" : "," + options.kernelData());
        try {
            Native.mount(source(), this.target.toString(), TYPE, options.flags(), data);
            this.kernelMounted = true;
        }
        catch (NativeCallException ex) {
            this.session.destroy();
            this.session = null;
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
            outcome = Fusermount.mount(helper, this.target.toString(), helperOptions, remaining);
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
                    + outcome.describe() + ")", helperAdvice(helper, outcome), null);
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
            this.session = createSession(outcome.fd(), options);
        }
        catch (FuseMountException ex) {
            // the descriptor is closed with the failed session, so the mount is dead: detach it
            helperUnmount(helper, true, System.nanoTime() + this.spec.unmountTimeout().toNanos());
            undo();
            throw ex;
        }
    }

    private String helperAdvice(String helper, Fusermount.Outcome outcome) {
        String said = outcome.output();
        if (said.contains("user_allow_other")) {
            return "Add a line 'user_allow_other' to /etc/fuse.conf, or drop allow_other/allow_root";
        }
        if (said.contains("failed to open /dev/fuse")) {
            return "fusermount3 opens " + DEVICE + " as the calling user, so the device must be readable and writable "
                    + "by that user (crw-rw-rw-, the default of the distributions' udev rules; some containers and "
                    + "VMs create it crw-------: chmod 0666 " + DEVICE + ", or give a group access)";
        }
        if (said.contains("has no write access") || said.contains("not owned by user")) {
            return "A normal user can only mount on a directory they may write to (and own, if it is sticky)";
        }
        if (said.contains("mounting over filesystem type")) {
            return "fusermount3 refuses mount points on that kind of filesystem; choose a directory on a "
                    + "regular filesystem (ext4, xfs, btrfs, tmpfs, ...)";
        }
        if (said.contains("too many FUSE filesystems")) {
            return "Raise mount_max in /etc/fuse.conf, or unmount some";
        }
        if (outcome.timedOut()) {
            return "The helper was killed after the mount timeout (" + this.spec.mountTimeout() + ")";
        }
        if (Native.effectiveUid() != 0 && !Fusermount.isSetUid(helper)) {
            return helper + " is not set-uid root, so it cannot mount for a normal user (chmod u+s " + helper
                    + ", as packaged by fuse3)";
        }
        if (outcome.errno() == Errno.EPERM && noNewPrivileges()) {
            return "This process runs with no_new_privs (NoNewPrivs: 1 in /proc/self/status: systemd "
                    + "NoNewPrivileges=, docker --security-opt no-new-privileges, ...), so the set-uid helper gets "
                    + "no privilege; drop that setting or run as root with the mount strategy 'direct'";
        }
        return null;
    }

    private static boolean noNewPrivileges() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status"))
                .stream()
                .anyMatch((line) -> line.startsWith("NoNewPrivs:") && line.substring(11).trim().equals("1"));
        }
        catch (IOException ex) {
            return false;
        }
    }

    /** After a helper failed to hand over a descriptor: lazily unmount a mount of ours it may have left. */
    private void detachLeftover(String helper) {
        boolean left = MountLookup.at(this.target)
            .filter((entry) -> entry.source().equals(source()))
            .isPresent();
        if (left) {
            logger.warn("FUSE mount '{}': {} left a mount on {} without handing over its descriptor; detaching it",
                    name(), helper, this.target);
            helperUnmount(helper, true, System.nanoTime() + this.spec.unmountTimeout().toNanos());
        }
    }

    /**
     * One run of {@code fusermount3 -u [-z]}, given until the deadline but at least
     * {@link #HELPER_MINIMUM}. Returns 0 or the errno the helper reported (EIO when it named none).
     */
    private int helperUnmount(String helper, boolean lazy, long deadline) {
        Duration time = Duration.ofNanos(Math.max(deadline - System.nanoTime(), HELPER_MINIMUM.toNanos()));
        Fusermount.Outcome outcome;
        try {
            outcome = Fusermount.unmount(helper, this.target.toString(), lazy, time);
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
            logger.debug("FUSE mount '{}': {} -u{} {}: {}", name(), helper, lazy ? " -z" : "", this.target,
                    outcome.describe());
        }
        return (errno != 0) ? errno : Errno.EIO;
    }

    /** umount2 for a direct mount, the helper for a helper mount. Returns 0 or an errno. */
    private int unmountOnce(boolean lazy, long deadline) {
        int ownership = topmostMountIsOurs();
        if (ownership != 0) {
            return ownership;
        }
        String helper = this.helper;
        if (helper != null) {
            return helperUnmount(helper, lazy, deadline);
        }
        return Native.umount2(this.target.toString(), (lazy ? Native.MNT_DETACH : 0) | Native.UMOUNT_NOFOLLOW);
    }


    private void awaitInit(long startedNanos) {
        long remaining = this.spec.mountTimeout().toNanos() - (System.nanoTime() - startedNanos);
        try {
            this.ready.get(Math.max(remaining, 0), TimeUnit.NANOSECONDS);
        }
        catch (TimeoutException ex) {
            abandonAfterMount();
            throw fail(MountPhase.INIT, 0, "the filesystem did not answer the kernel's INIT within "
                    + this.spec.mountTimeout(), "Check the filesystem's init(); raise the mount timeout if it is slow",
                    null);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            abandonAfterMount();
            throw fail(MountPhase.INIT, 0, "interrupted while waiting for INIT", null, ex);
        }
        catch (ExecutionException ex) {
            abandonAfterMount();
            Throwable cause = ex.getCause();
            int errno = (cause instanceof LoopEndedException ended) ? ended.errno : 0;
            throw fail(MountPhase.INIT, errno, cause.getMessage(), null, cause);
        }
    }

    /** Undoes a mount that reached mount(2) but did not become ready. Bounded. */
    private void abandonAfterMount() {
        unmountOnce(true, System.nanoTime() + this.spec.unmountTimeout().toNanos());
        if (!awaitLoopEnd(this.spec.unmountTimeout())) {
            abortOwnConnection();
            if (!awaitLoopEnd(ABORT_GRACE)) {
                this.freeWhenServingEnds = true;
                freeAbandonedSession();
                return;
            }
        }
        finishSession();
        undo();
    }

    /** Removes what mounting created before mount(2): the directories the engine made. */
    private void undo() {
        Path created = this.createdDirectory;
        if (created == null) {
            return;
        }
        this.createdDirectory = null;
        Path mountPoint = this.spec.mountPoint().normalize();
        for (Path dir = mountPoint; dir != null; dir = dir.getParent()) {
            try {
                Files.deleteIfExists(dir);
            }
            catch (DirectoryNotEmptyException ex) {
                if (dir.equals(mountPoint) && this.kernelMounted) {
                    // Something wrote by path into the plain directory once the mount was gone (the
                    // unmount cannot stop that). Those files are not in the filesystem: say so loudly.
                    logger.warn("FUSE mount '{}': files were written into {} after it was unmounted; they are "
                            + "in that plain directory, not in the filesystem. Have clients write below a "
                            + "directory that exists only inside the filesystem", name(), dir);
                }
                else {
                    logger.debug("Could not remove {}: {}", dir, ex.toString());
                }
                return;
            }
            catch (IOException ex) {
                logger.debug("Could not remove {}: {}", dir, ex.toString());
                return;
            }
            if (dir.equals(created)) {
                return;
            }
        }
    }

    private FuseMountException fail(MountPhase phase, int errno, String problem, String action, Throwable cause) {
        return new FuseMountException(name(), this.target, phase, errno, problem, action, cause);
    }

    // ------------------------------------------------------------------ serving

    /**
     * Serves the session: a protocol session on the engine-wide reactor (no thread of its own; the
     * registration counts as one worker, each request in flight as another), libfuse2's on the
     * mount's own threads.
     */
    private void startServing() {
        if (REACTOR && this.session instanceof ProtocolSession protocol) {
            this.workers.incrementAndGet();
            this.onReactor = true;
            try {
                Reactor.shared().serve(protocol, new ReactorHandle(),
                        this.spec.multithreaded() ? this.spec.maxThreads() : 1);
            }
            catch (RuntimeException ex) {
                this.onReactor = false;
                workerEnded();
                throw ex;
            }
            return;
        }
        startWorker();
    }

    private void startWorker() {
        this.workers.incrementAndGet();
        int number = this.threadNumbers.incrementAndGet();
        String threadName = LoopThreads.SERVING_PREFIX + name() + ((number > 1) ? "#" + number : "");
        try {
            this.manager.loopThreads().start(threadName, this::serve);
        }
        catch (RuntimeException ex) {
            workerEnded();
            throw ex;
        }
    }

    private void serve() {
        ServingSession session = this.session;
        ServingSession.Buffer buffer = session.buffer();
        try {
            while (true) {
                this.idleWorkers.incrementAndGet();
                int length = session.receive(buffer);
                int stillIdle = this.idleWorkers.decrementAndGet();
                if (length < 0) {
                    int errno = -length;
                    if (errno == Errno.EINTR || errno == Errno.EAGAIN || errno == Errno.ENOENT) {
                        continue;
                    }
                    if (errno != Errno.ENODEV && errno != Errno.ECONNABORTED) {
                        this.loopErrno = errno;
                        logger.warn("FUSE mount '{}': reading {} failed with {}; the mount stops serving", name(),
                                DEVICE, Errno.describe(errno));
                    }
                    return;
                }
                boolean init = !this.ready.isDone() && session.isInit(buffer);
                // like fuse_loop_mt: when nobody is left waiting for the next request, add a thread
                // (not for INIT: the kernel sends nothing else before INIT is answered)
                if (!init && stillIdle == 0 && this.spec.multithreaded()
                        && this.workers.get() < this.spec.maxThreads()) {
                    startWorker();
                }
                session.process(buffer, length);
                if (init) {
                    initProcessed(session);
                }
            }
        }
        catch (Throwable ex) {
            this.loopErrno = Errno.EIO;
            logger.error("FUSE mount '{}': serving thread failed", name(), ex);
        }
        finally {
            workerEnded();
        }
    }

    private void initProcessed(ServingSession session) {
        Throwable initError = this.callbacks.initError;
        if (initError != null) {
            this.ready.completeExceptionally(initError);
        }
        else if (session.initialized()) {
            this.ready.complete(null);
        }
    }

    /** How the reactor tells this mount about its requests; counted like serving threads. */
    private final class ReactorHandle implements ServingHandle {

        private final String threadName = LoopThreads.SERVING_PREFIX + name();

        @Override
        public String threadName() {
            return this.threadName;
        }

        @Override
        public void requestStarted() {
            FuseMount.this.workers.incrementAndGet();
        }

        @Override
        public void initProcessed() {
            FuseMount.this.initProcessed(FuseMount.this.session);
        }

        @Override
        public void requestDone() {
            workerEnded();
        }

        @Override
        public void ended(int errno) {
            FuseMount.this.onReactor = false;
            if (errno != 0) {
                FuseMount.this.loopErrno = errno;
                logger.warn("FUSE mount '{}': reading {} failed with {}; the mount stops serving", name(), DEVICE,
                        Errno.describe(errno));
            }
            workerEnded();
        }

    }

    private void workerEnded() {
        if (this.workers.decrementAndGet() == 0) {
            this.ready.completeExceptionally(new LoopEndedException(this.loopErrno));
            this.loopEnded.complete(null);
            if (this.freeWhenServingEnds) {
                logger.info("FUSE mount '{}': the stuck callback returned; freeing the session left behind", name());
                freeAbandonedSession();
            }
        }
    }

    /**
     * Frees what a mount or unmount that gave up on a stuck serving thread left allocated, once no
     * thread serves any more. Called by both sides of that race (the giving-up side after setting
     * {@link #freeWhenServingEnds}, the last serving thread after ending); destroy is idempotent.
     */
    private void freeAbandonedSession() {
        if (this.workers.get() == 0) {
            finishSession();
            undo();
        }
    }

    private boolean awaitLoopEnd(Duration timeout) {
        if (this.workers.get() == 0) {
            return true;
        }
        try {
            this.loopEnded.get(Math.max(timeout.toNanos(), 0), TimeUnit.NANOSECONDS);
            return true;
        }
        catch (TimeoutException ex) {
            return false;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
        catch (ExecutionException ex) {
            return true;
        }
    }

    private void finishSession() {
        ServingSession session = this.session;
        if (session != null && this.workers.get() == 0) {
            session.destroy();
        }
    }

    // ------------------------------------------------------------------ unmounting

    /** Unmounts within the mount's unmount timeout. Idempotent; safe from any thread. */
    public void unmount() {
        unmount(this.spec.unmountTimeout());
    }

    /**
     * Unmounts: {@code umount2}, retried while busy for half the timeout, then a lazy detach, then,
     * if the serving threads have not ended when the timeout is spent, an abort of the connection
     * (each rung as {@link MountSpec#unmountEscalation()} allows). Returns within the timeout plus
     * {@link #ABORT_GRACE}. A call while another unmount runs waits for it; a call after the mount
     * ended (or failed) returns at once.
     * @throws FuseMountException when this call's unmount failed: the serving threads did not end even
     * after the abort (state FAILED), or the mount was busy with lazy detach off (still MOUNTED)
     */
    public void unmount(Duration timeout) {
        awaitQuietly(this.mountDone, this.spec.mountTimeout().plus(timeout));
        if (this.state != MountState.MOUNTED) {
            if (this.unmountStarted.get()) {
                awaitQuietly(this.unmountDone, timeout.plus(ABORT_GRACE));
            }
            return;
        }
        if (!this.unmountStarted.compareAndSet(false, true)) {
            awaitQuietly(this.unmountDone, timeout.plus(ABORT_GRACE));
            return;
        }
        long started = System.nanoTime();
        state(MountState.UNMOUNTING);
        FuseMountException error;
        try {
            error = escalate(timeout, started);
        }
        catch (StillMountedException ex) {
            // nothing was changed: the mount stays mounted and serving; unmount may be tried again
            CompletableFuture<Void> waiting = this.unmountDone;
            this.unmountDone = new CompletableFuture<>();
            state(MountState.MOUNTED);
            this.unmountStarted.set(false);
            waiting.complete(null);
            throw ex.error;
        }
        catch (RuntimeException | Error ex) {
            error = fail(MountPhase.UNMOUNT, 0, "unexpected error: " + ex, null, ex);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        if (error == null) {
            state(MountState.UNMOUNTED);
            this.manager.unmounted(this, took);
            this.unmountDone.complete(null);
            return;
        }
        this.failure = error;
        state(MountState.FAILED);
        this.manager.unmountFailed(this, error, took);
        this.unmountDone.complete(null);
        throw error;
    }

    private FuseMountException escalate(Duration timeout, long started) {
        UnmountEscalation rungs = this.spec.unmountEscalation();
        String path = this.target.toString();
        long deadline = started + timeout.toNanos();
        long busyUntil = started + timeout.toNanos() / 2;
        int errno = unmountOnce(false, busyUntil);
        long backoffMillis = 1;
        while (errno == Errno.EBUSY && rungs.retryWhileBusy() && System.nanoTime() < busyUntil) {
            sleepQuietly(Math.min(backoffMillis, Math.max(1, (busyUntil - System.nanoTime()) / 1_000_000)));
            backoffMillis = Math.min(backoffMillis * 2, 100);
            errno = unmountOnce(false, busyUntil);
        }
        if (errno == FOREIGN_ON_TOP) {
            // umount2 by path would take down the other mount; ending our connection ends our session
            logger.warn("FUSE mount '{}': another mount sits on top of it at {}; not unmounting that one, "
                    + "aborting our FUSE connection {} instead", name(), path, this.connectionId);
            abortOwnConnection();
            errno = 0;
        }
        if (errno == Errno.EBUSY) {
            if (!rungs.lazyDetach()) {
                throw new StillMountedException(fail(MountPhase.UNMOUNT, errno, "the mount is busy (a process has a file or directory open "
                        + "in it) and lazy detach is switched off", "Close what is open inside " + path
                                + ", or allow the lazy detach (fuse.unmount.lazy-detach)", null));
            }
            logger.warn("FUSE mount '{}' on {} is still busy; detaching it lazily", name(), path);
            errno = unmountOnce(true, deadline);
            if (errno == FOREIGN_ON_TOP) {
                abortOwnConnection();
                errno = 0;
            }
        }
        if (errno == Errno.EINVAL || errno == Errno.ENOENT) {
            logger.warn("FUSE mount '{}' on {} was no longer mounted (unmounted from outside?)", name(), path);
        }
        else if (errno != 0) {
            logger.warn("FUSE mount '{}': {} failed with {}", name(),
                    (this.helper != null) ? this.helper + " -u " + path : "umount2(" + path + ")", Errno.describe(errno));
        }
        if (!awaitLoopEnd(Duration.ofNanos(deadline - System.nanoTime()))) {
            if (!rungs.abortConnection()) {
                this.freeWhenServingEnds = true;
                freeAbandonedSession(); // in case the last thread ended just now
                return fail(MountPhase.UNMOUNT, 0, "the filesystem did not end within " + timeout
                        + " and aborting its connection is switched off", "Find what holds it (a callback that "
                                + "does not return, a process inside it), or allow the abort (fuse.unmount.abort-connection)",
                        null);
            }
            boolean aborted = abortOwnConnection();
            logger.warn("FUSE mount '{}' on {} did not end within {}; {} its FUSE connection {}{}", name(), path,
                    timeout, aborted ? "aborted" : "could not abort", this.connectionId,
                    (aborted || Native.effectiveUid() == 0) ? ""
                            : " (a normal user can abort only its own connections, and only where fusectl is "
                                    + "mounted on /sys/fs/fuse/connections: mounting it needs root)");
            if (!awaitLoopEnd(ABORT_GRACE)) {
                this.freeWhenServingEnds = true;
                freeAbandonedSession(); // in case the last thread ended just now
                return fail(MountPhase.UNMOUNT, 0,
                        "its serving threads are still inside the filesystem after the connection was aborted "
                                + "(a callback that never returns); the session is freed once they return",
                        "Fix the filesystem callback that blocks; the threads are named " + LoopThreads.SERVING_PREFIX
                                + name(),
                        null);
            }
        }
        finishSession();
        undo();
        return null;
    }

    /** What {@link #topmostMountIsOurs} (and so an unmount step) returns when the topmost mount is not ours. */
    private static final int FOREIGN_ON_TOP = -1;

    /**
     * Aborts our FUSE connection through fusectl, unless its id is no longer ours: a connection id is
     * the minor number of the mount's device, which the kernel hands to the next mount as soon as ours
     * is gone: so it is aborted only while our own descriptor says the connection still exists
     * ({@link MountLookup#ownerOf}).
     */
    private boolean abortOwnConnection() {
        int id = this.connectionId;
        if (id < 0) {
            return false;
        }
        ServingSession session = this.session;
        switch (MountLookup.ownerOf(id, (session != null) ? session.fd() : -1, source())) {
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
        return MountLookup.othersOnTop(this.target, this.identity, source()) ? FOREIGN_ON_TOP : 0;
    }

    private static void awaitQuietly(CompletableFuture<Void> future, Duration timeout) {
        try {
            future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        catch (ExecutionException | TimeoutException ex) {
            // the caller looks at the state
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /** Same as {@link #unmount()}. */
    @Override
    public void close() {
        unmount();
    }

    @Override
    public String toString() {
        return "FuseMount[" + name() + " on " + this.target + ", " + this.state + "]";
    }

    /** Unmounting stopped before changing anything: the mount is still there. */
    private static final class StillMountedException extends RuntimeException {

        final FuseMountException error;

        StillMountedException(FuseMountException error) {
            super(error.getMessage(), null, false, false);
            this.error = error;
        }

    }

    /** The serving threads ended before INIT was answered. */
    static final class LoopEndedException extends RuntimeException {

        final int errno;

        LoopEndedException(int errno) {
            super((errno != 0) ? "the session ended before INIT: reading " + DEVICE + " failed with "
                    + Errno.describe(errno) : "the session ended before the kernel's INIT was answered");
            this.errno = errno;
        }

    }

    /** What the native callbacks see of this mount. */
    private final class Callbacks implements SessionCallbacks {

        private volatile Throwable initError;

        private volatile Pointer initResult;

        /** What libfuse2's INIT agreed on (the protocol engine keeps its own in the session). */
        private volatile NegotiatedProtocol connection;

        @Override
        public void connection(int kernelMajor, int kernelMinor, int maxWrite, int maxReadahead, long flags) {
            this.connection = NegotiatedProtocol.libfuse2(kernelMajor, kernelMinor, maxWrite, maxReadahead, flags);
        }

        @Override
        public FuseFS filesystem() {
            return FuseMount.this.spec.filesystem();
        }

        @Override
        public int invoke(String operation, String path, Operation call) {
            MountListener observer = FuseMount.this.manager.operationListener();
            long started = (observer != null) ? System.nanoTime() : 0;
            boolean failed = false;
            try {
                return call.apply(FuseMount.this.spec.filesystem());
            }
            catch (Throwable ex) {
                failed = true;
                FuseMount.this.errors.record(operation, path, ex);
                return -Errno.EIO;
            }
            finally {
                if (observer != null) {
                    observer.operation(FuseMount.this, operation, System.nanoTime() - started, failed);
                }
            }
        }

        @Override
        public void initFailed(Throwable error) {
            this.initError = error;
            logger.error("FUSE mount '{}': the filesystem's init() threw", name(), error);
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

}
