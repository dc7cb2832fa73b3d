// Runs the set-uid fusermount3 helper with exactly the descriptors it needs and receives /dev/fuse from it.
package io.github.fusespringboot.mount.natives;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * The {@code fusermount3} helper (else {@code fusermount}), run the way libfuse's
 * {@code fuse_mount_fusermount} runs it, but without handing it anything of ours.
 *
 * <p>
 * Descriptors. The helper is started with {@code posix_spawn} and file actions that build its
 * descriptor table from scratch: 0 is {@code /dev/null}, 1 and 2 are the write end of a pipe whose
 * read end we drain (the helper's messages end up in our errors), 3 is the helper's end of a
 * {@code socketpair} ({@code _FUSE_COMMFD=3}, mounts only), and every other descriptor is closed in the
 * child before {@code exec} ({@code posix_spawn_file_actions_addclosefrom_np}, glibc 2.34+; on an older
 * C library one close action for every number up to the highest descriptor open at spawn time plus
 * {@link #FALLBACK_MARGIN}, holes included, since a descriptor another thread opens meanwhile takes the
 * lowest free number). Closing before exec is
 * needed: the JVM opens files without {@code O_CLOEXEC} ({@code FileInputStream}, NIO channels, the
 * jars on the class path), so "our descriptors are close-on-exec" is not enough on its own. Every
 * descriptor created here is close-on-exec from birth ({@code pipe2(O_CLOEXEC)},
 * {@code SOCK_CLOEXEC}, {@code MSG_CMSG_CLOEXEC}) and kept at 4 or above, so the child's {@code dup2}
 * onto 0..3 can never overwrite a source it still needs. The environment is fixed too:
 * {@code PATH}, {@code LC_ALL=C} (so messages can be matched) and {@code _FUSE_COMMFD}.
 *
 * <p>
 * Concurrency. Spawns are not serialized: each child's table is built by its own file actions from
 * descriptors that only its parent call knows, so concurrent spawns cannot see each other's
 * descriptors. A lock would add nothing but a way for one stuck spawn to stop all others:
 * {@code posix_spawn} returns only once the child has exec'd, and the child's pre-exec closing of a
 * descriptor that points into a FUSE filesystem sends that filesystem a FLUSH; if it never answers
 * (a wedged filesystem) that spawn cannot finish. So each spawn runs on a pooled thread and the caller
 * waits for it with a bound; a spawn given up on is killed and reaped by that thread when it returns.
 *
 * <p>
 * Every wait is bounded: the spawn, receiving the descriptor, draining the output, and reaping the
 * child ({@code waitpid} with {@code WNOHANG}, then {@code SIGKILL}). A child that cannot even be reaped
 * after {@code SIGKILL} is remembered and reaped by a later call.
 */
public final class Fusermount {

    /** The descriptor the helper finds its end of the socket pair on. */
    public static final int COMM_FD = 3;

    /** Names tried in this order, each first on {@code PATH} and then in {@link #STANDARD_DIRECTORIES}. */
    public static final List<String> NAMES = List.of("fusermount3", "fusermount");

    static final List<String> STANDARD_DIRECTORIES = List.of("/usr/bin", "/bin");

    /** Set to {@code false} to use per-descriptor close actions even where closefrom exists (tests). */
    static final String CLOSEFROM_PROPERTY = "io.github.fusespringboot.spawn.closefrom";

    private static final String CHILD_PATH = "/usr/sbin:/usr/bin:/sbin:/bin";

    // sys/socket.h, fcntl.h, poll.h, sys/wait.h, signal.h, spawn.h: x86_64 and aarch64 alike
    private static final int AF_UNIX = 1;

    private static final int SOCK_STREAM = 1;

    private static final int SOCK_CLOEXEC = 0x80000;

    private static final int SOL_SOCKET = 1;

    private static final int SCM_RIGHTS = 1;

    private static final int MSG_CMSG_CLOEXEC = 0x40000000;

    private static final short POLLIN = 1;

    private static final int WNOHANG = 1;

    private static final int SIGKILL = 9;

    private static final short POSIX_SPAWN_SETSIGDEF = 4;

    private static final short POSIX_SPAWN_SETSIGMASK = 8;

    private static final int FD_CLOEXEC = 1;

    // sizes with room to spare: glibc's posix_spawn_file_actions_t is 80 bytes, posix_spawnattr_t 336,
    // sigset_t 128; struct msghdr is 56, struct iovec 16, a cmsghdr header 16 (LP64)
    private static final int FILE_ACTIONS_SIZE = 256;

    private static final int ATTRIBUTES_SIZE = 1024;

    private static final int SIGSET_SIZE = 128;

    private static final int CONTROL_SIZE = 64;

    private static final int MAX_OUTPUT = 16 * 1024;

    /** Without closefrom: how many numbers above the highest open descriptor are closed too. */
    static final int FALLBACK_MARGIN = 256;

    /** How long a child gets to disappear after SIGKILL. */
    static final Duration KILL_GRACE = Duration.ofSeconds(2);

    private static final CloseFrom CLOSE_FROM = loadCloseFrom();

    private static final Queue<Integer> UNREAPED = new ConcurrentLinkedQueue<>();

    private static final ThreadPoolExecutor SPAWNER;

    static {
        AtomicInteger counter = new AtomicInteger();
        SPAWNER = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                (task) -> {
                    Thread thread = new Thread(task, "fuse-helper-spawn-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /** {@code posix_spawn_file_actions_addclosefrom_np}, bound on its own: glibc has it since 2.34 only. */
    public interface CloseFrom {

        int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);

    }

    private Fusermount() {
    }

    private static CloseFrom loadCloseFrom() {
        try {
            return LibraryLoader.create(CloseFrom.class).failImmediately().load("c");
        }
        catch (Throwable ex) {
            return null;
        }
    }

    /**
     * Whether the child closes every inherited descriptor with one closefrom action (glibc 2.34+);
     * otherwise it gets one close action per descriptor open at spawn time.
     */
    public static boolean hasCloseFrom() {
        return CLOSE_FROM != null && Boolean.parseBoolean(System.getProperty(CLOSEFROM_PROPERTY, "true"));
    }

    /**
     * Finds the helper: {@code fusermount3} in the absolute directories of {@code PATH}, then in
     * {@code /usr/bin} and {@code /bin}; failing that {@code fusermount} the same way. Relative
     * {@code PATH} entries are ignored: a set-uid helper is never taken from the working directory.
     */
    public static Optional<String> find() {
        return find(System.getenv("PATH"));
    }

    static Optional<String> find(String path) {
        List<String> directories = new ArrayList<>();
        if (path != null) {
            for (String entry : path.split(":")) {
                if (entry.startsWith("/")) {
                    directories.add(entry);
                }
            }
        }
        directories.addAll(STANDARD_DIRECTORIES);
        for (String name : NAMES) {
            for (String directory : directories) {
                Path candidate = Path.of(directory, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate.toString());
                }
            }
        }
        return Optional.empty();
    }

    /** Whether the file has the set-user-ID bit (what the helper needs to mount for a normal user). */
    public static boolean isSetUid(String helper) {
        try {
            Object mode = Files.getAttribute(Path.of(helper), "unix:mode");
            return mode instanceof Integer bits && (bits & 04000) != 0;
        }
        catch (IOException | UnsupportedOperationException | IllegalArgumentException ex) {
            return false;
        }
    }

    /**
     * {@code helper -o options -- mountPoint}: the helper opens {@code /dev/fuse}, mounts it and sends
     * the descriptor back over the socket pair. On success the outcome carries that descriptor,
     * close-on-exec and at 4 or above; the caller owns it.
     * @throws NativeCallException when the helper could not be started at all
     */
    public static Outcome mount(String helper, String mountPoint, String options, Duration timeout) {
        return run(helper, List.of(helper, "-o", options, "--", mountPoint), true, timeout);
    }

    /**
     * {@code helper -u [-z] -- mountPoint}.
     * @throws NativeCallException when the helper could not be started at all
     */
    public static Outcome unmount(String helper, String mountPoint, boolean lazy, Duration timeout) {
        List<String> argv = new ArrayList<>(List.of(helper, "-u"));
        if (lazy) {
            argv.add("-z");
        }
        argv.add("--");
        argv.add(mountPoint);
        return run(helper, argv, false, timeout);
    }

    private static Outcome run(String helper, List<String> argv, boolean passSocket, Duration timeout) {
        reapAbandoned();
        long deadline = System.nanoTime() + Math.max(timeout.toNanos(), 0);
        LibC libc = Native.libc();
        int[] pipe = { -1, -1 };
        int[] pair = { -1, -1 };
        try {
            if (libc.pipe2(pipe, Native.O_CLOEXEC) != 0) {
                pipe[0] = -1;
                pipe[1] = -1;
                throw new NativeCallException("pipe2", Native.lastErrno());
            }
            moveUp(pipe, 0);
            moveUp(pipe, 1);
            if (passSocket) {
                if (libc.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
                    pair[0] = -1;
                    pair[1] = -1;
                    throw new NativeCallException("socketpair", Native.lastErrno());
                }
                moveUp(pair, 0);
                moveUp(pair, 1);
            }
        }
        catch (RuntimeException ex) {
            Native.close(pipe[0]);
            Native.close(pipe[1]);
            Native.close(pair[0]);
            Native.close(pair[1]);
            throw ex;
        }
        int outRead = pipe[0];
        int outWrite = pipe[1];
        int ours = pair[0];
        int theirs = pair[1];
        List<String> environment = new ArrayList<>(List.of("PATH=" + CHILD_PATH, "LC_ALL=C"));
        if (passSocket) {
            environment.add("_FUSE_COMMFD=" + COMM_FD);
        }
        Spawn spawn = new Spawn(helper, argv, environment, outWrite, theirs);
        int pid;
        try {
            // the spawn closes our copies of outWrite and theirs, whatever happens
            pid = spawn.start(deadline);
        }
        catch (RuntimeException ex) {
            Native.close(outRead);
            Native.close(ours);
            throw ex;
        }
        if (pid < 0) {
            Native.close(outRead);
            Native.close(ours);
            return new Outcome(helper, -1, -1, 0, "the helper did not start within " + timeout
                    + " (a descriptor it had to close may point into a FUSE filesystem that does not answer)", true);
        }
        return collect(helper, pid, ours, outRead, deadline);
    }

    /** Moves {@code fds[i]} to 4 or above; on failure it is closed and {@code fds[i]} is -1. */
    private static void moveUp(int[] fds, int i) {
        int fd = fds[i];
        fds[i] = -1;
        fds[i] = Native.moveAboveLowDescriptors(fd);
    }

    /** Receives the descriptor (mounts), drains the output and reaps the child, all by the deadline. */
    private static Outcome collect(String helper, int pid, int socket, int outRead, long deadline) {
        LibC libc = Native.libc();
        Runtime runtime = Native.runtime();
        Pointer pollFds = Memory.allocateDirect(runtime, 16, true);
        Pointer buffer = Memory.allocateDirect(runtime, 4096, false);
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int received = -1;
        boolean timedOut = false;
        int ours = socket;
        boolean outputOpen = true;
        boolean failed = true;
        int status;
        try {
            while (ours >= 0 || outputOpen) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    timedOut = true;
                    break;
                }
                int count = 0;
                int socketSlot = -1;
                int outputSlot = -1;
                if (ours >= 0) {
                    setPollFd(pollFds, count, ours);
                    socketSlot = count++;
                }
                if (outputOpen) {
                    setPollFd(pollFds, count, outRead);
                    outputSlot = count++;
                }
                int millis = (int) Math.min(Math.max(TimeUnit.NANOSECONDS.toMillis(remaining), 1), 1000);
                int ready = libc.poll(pollFds, count, millis);
                if (ready < 0) {
                    int errno = Native.lastErrno();
                    if (errno == Errno.EINTR) {
                        continue;
                    }
                    throw new NativeCallException("poll", errno);
                }
                if (ready == 0) {
                    continue;
                }
                if (socketSlot >= 0 && pollFds.getShort(8L * socketSlot + 6) != 0) {
                    received = receiveDescriptor(ours);
                    Native.close(ours);
                    ours = -1;
                }
                if (outputSlot >= 0 && pollFds.getShort(8L * outputSlot + 6) != 0) {
                    long n = libc.read(outRead, buffer, 4096);
                    if (n > 0) {
                        if (output.size() < MAX_OUTPUT) {
                            byte[] bytes = new byte[(int) n];
                            buffer.get(0, bytes, 0, bytes.length);
                            output.write(bytes, 0, (int) Math.min(n, MAX_OUTPUT - output.size()));
                        }
                    }
                    else if (n == 0 || Native.lastErrno() != Errno.EINTR) {
                        outputOpen = false;
                    }
                }
            }
            failed = false;
        }
        finally {
            Native.close(ours);
            Native.close(outRead);
            status = reap(pid, deadline, timedOut || failed);
            if (failed) {
                Native.close(received);
            }
        }
        int exit = -1;
        int signal = 0;
        if (status != Integer.MIN_VALUE) {
            if ((status & 0x7f) == 0) {
                exit = (status >> 8) & 0xff;
            }
            else {
                signal = status & 0x7f;
            }
        }
        return new Outcome(helper, received, exit, signal, output.toString(StandardCharsets.UTF_8), timedOut);
    }

    private static void setPollFd(Pointer pollFds, int slot, int fd) {
        pollFds.putInt(8L * slot, fd);
        pollFds.putShort(8L * slot + 4, POLLIN);
        pollFds.putShort(8L * slot + 6, (short) 0);
    }

    /**
     * One {@code recvmsg} with {@code MSG_CMSG_CLOEXEC}: the descriptor is close-on-exec from the moment
     * it exists in this process. Returns it (moved to 4 or above), or -1 when the helper ended without
     * sending one. Extra descriptors (never sent by a real helper) are closed.
     */
    private static int receiveDescriptor(int socket) {
        LibC libc = Native.libc();
        Runtime runtime = Native.runtime();
        Pointer message = Memory.allocateDirect(runtime, 56, true);
        Pointer data = Memory.allocateDirect(runtime, 8, true);
        Pointer vector = Memory.allocateDirect(runtime, 16, true);
        Pointer control = Memory.allocateDirect(runtime, CONTROL_SIZE, true);
        vector.putAddress(0, data.address());
        vector.putLong(8, 1);
        message.putAddress(16, vector.address());
        message.putLong(24, 1);
        message.putAddress(32, control.address());
        message.putLong(40, CONTROL_SIZE);
        long n;
        do {
            n = libc.recvmsg(socket, message, MSG_CMSG_CLOEXEC);
        }
        while (n < 0 && Native.lastErrno() == Errno.EINTR);
        if (n <= 0) {
            return -1;
        }
        long controlLength = Math.min(message.getLong(40), CONTROL_SIZE);
        int received = -1;
        long at = 0;
        while (at + 16 <= controlLength) {
            long length = control.getLong(at);
            if (length < 16 || at + length > controlLength) {
                break;
            }
            if (control.getInt(at + 8) == SOL_SOCKET && control.getInt(at + 12) == SCM_RIGHTS) {
                for (long i = at + 16; i + 4 <= at + length; i += 4) {
                    int fd = control.getInt(i);
                    if (received < 0) {
                        received = fd;
                    }
                    else {
                        Native.close(fd);
                    }
                }
            }
            at += (length + 7) & ~7L;
        }
        if (received < 0) {
            return -1;
        }
        if (!Native.isCloseOnExec(received)) {
            libc.fcntl(received, Native.F_SETFD, FD_CLOEXEC);
        }
        return Native.moveAboveLowDescriptors(received);
    }

    /**
     * Waits for the child until the deadline (at once if the output already ended: it is exiting),
     * then kills it and gives it {@link #KILL_GRACE}. Returns the wait status, or
     * {@code Integer.MIN_VALUE} when it could not be reaped (it is remembered and reaped later).
     */
    private static int reap(int pid, long deadline, boolean kill) {
        if (!kill) {
            int status = waitUntil(pid, deadline);
            if (status != Integer.MIN_VALUE) {
                return status;
            }
        }
        Native.libc().kill(pid, SIGKILL);
        int status = waitUntil(pid, System.nanoTime() + KILL_GRACE.toNanos());
        if (status == Integer.MIN_VALUE) {
            UNREAPED.add(pid);
        }
        return status;
    }

    private static int waitUntil(int pid, long deadline) {
        LibC libc = Native.libc();
        int[] status = new int[1];
        long pause = 20_000;
        while (true) {
            int result = libc.waitpid(pid, status, WNOHANG);
            if (result == pid) {
                return status[0];
            }
            if (result < 0 && Native.lastErrno() != Errno.EINTR) {
                return 0; // ECHILD: somebody else reaped it; nothing is left to wait for
            }
            if (System.nanoTime() >= deadline) {
                return Integer.MIN_VALUE;
            }
            LockSupport.parkNanos(Math.min(pause, Math.max(deadline - System.nanoTime(), 1)));
            pause = Math.min(pause * 2, 5_000_000);
        }
    }

    private static void reapAbandoned() {
        int size = UNREAPED.size();
        for (int i = 0; i < size; i++) {
            Integer pid = UNREAPED.poll();
            if (pid == null) {
                return;
            }
            int result = Native.libc().waitpid(pid, new int[1], WNOHANG);
            if (result == 0) {
                UNREAPED.add(pid);
            }
        }
    }

    /** Number of children that could not be reaped yet (killed, but still in the kernel). */
    public static int unreaped() {
        return UNREAPED.size();
    }

    /** One posix_spawn, run on a pooled thread so that the caller's wait for it is bounded. */
    private static final class Spawn implements Callable<Integer> {

        private static final int RUNNING = 0;

        private static final int TAKEN = 1;

        private static final int ABANDONED = 2;

        private final AtomicInteger state = new AtomicInteger(RUNNING);

        private final String helper;

        private final List<String> argv;

        private final List<String> environment;

        private final int outWrite;

        private final int theirs;

        Spawn(String helper, List<String> argv, List<String> environment, int outWrite, int theirs) {
            this.helper = helper;
            this.argv = argv;
            this.environment = environment;
            this.outWrite = outWrite;
            this.theirs = theirs;
        }

        /** Returns the child's pid, or -1 when it did not start by the deadline (it is cleaned up later). */
        int start(long deadline) {
            Future<Integer> future;
            try {
                future = SPAWNER.submit(this);
            }
            catch (RuntimeException ex) {
                Native.close(this.outWrite);
                Native.close(this.theirs);
                throw ex;
            }
            boolean interrupted = false;
            try {
                while (true) {
                    try {
                        return future.get(Math.max(deadline - System.nanoTime(), 0), TimeUnit.NANOSECONDS);
                    }
                    catch (InterruptedException ex) {
                        interrupted = true;
                    }
                    catch (TimeoutException ex) {
                        if (this.state.compareAndSet(RUNNING, ABANDONED)) {
                            return -1;
                        }
                        deadline = System.nanoTime() + KILL_GRACE.toNanos(); // it just finished
                    }
                    catch (ExecutionException ex) {
                        if (ex.getCause() instanceof RuntimeException runtime) {
                            throw runtime;
                        }
                        throw new IllegalStateException(ex.getCause());
                    }
                }
            }
            finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public Integer call() {
            int pid = -1;
            try {
                pid = spawn();
                return pid;
            }
            finally {
                Native.close(this.outWrite);
                Native.close(this.theirs);
                if (!this.state.compareAndSet(RUNNING, TAKEN) && pid > 0) {
                    // the caller stopped waiting: nobody else will end this child
                    reap(pid, 0, true);
                }
            }
        }

        private int spawn() {
            LibC libc = Native.libc();
            Runtime runtime = Native.runtime();
            Pointer actions = Memory.allocateDirect(runtime, FILE_ACTIONS_SIZE, true);
            Pointer attributes = Memory.allocateDirect(runtime, ATTRIBUTES_SIZE, true);
            check(libc.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
            try {
                check(libc.posix_spawnattr_init(attributes), "posix_spawnattr_init");
                try {
                    // sources are all >= 4, so no dup2 below can overwrite one that is still needed
                    check(libc.posix_spawn_file_actions_adddup2(actions, this.outWrite, 1), "adddup2(1)");
                    check(libc.posix_spawn_file_actions_adddup2(actions, this.outWrite, 2), "adddup2(2)");
                    int closeFrom = 3;
                    if (this.theirs >= 0) {
                        check(libc.posix_spawn_file_actions_adddup2(actions, this.theirs, COMM_FD), "adddup2(3)");
                        closeFrom = COMM_FD + 1;
                    }
                    check(libc.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", Native.O_RDONLY, 0),
                            "addopen(/dev/null)");
                    closeEverythingFrom(libc, actions, closeFrom);
                    Pointer noSignals = Memory.allocateDirect(runtime, SIGSET_SIZE, true);
                    Pointer allSignals = Memory.allocateDirect(runtime, SIGSET_SIZE, true);
                    libc.sigemptyset(noSignals);
                    libc.sigfillset(allSignals);
                    check(libc.posix_spawnattr_setsigmask(attributes, noSignals), "posix_spawnattr_setsigmask");
                    check(libc.posix_spawnattr_setsigdefault(attributes, allSignals), "posix_spawnattr_setsigdefault");
                    check(libc.posix_spawnattr_setflags(attributes,
                            (short) (POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)), "posix_spawnattr_setflags");
                    Pointer argvBlock = strings(runtime, this.argv);
                    Pointer envBlock = strings(runtime, this.environment);
                    int[] pid = new int[1];
                    int error = libc.posix_spawn(pid, this.helper, actions, attributes, argvBlock, envBlock);
                    if (error != 0) {
                        throw new NativeCallException("posix_spawn(" + this.helper + ")", error);
                    }
                    return pid[0];
                }
                finally {
                    libc.posix_spawnattr_destroy(attributes);
                }
            }
            finally {
                libc.posix_spawn_file_actions_destroy(actions);
            }
        }

        private static void closeEverythingFrom(LibC libc, Pointer actions, int from) {
            if (hasCloseFrom()) {
                check(CLOSE_FROM.posix_spawn_file_actions_addclosefrom_np(actions, from), "addclosefrom_np");
                return;
            }
            // No closefrom: close every number from `from` up to the highest descriptor open now plus a
            // margin, holes included. A descriptor another thread opens meanwhile takes the lowest free
            // number, so it lands in a hole or just above the highest: covered unless more than
            // FALLBACK_MARGIN descriptors are opened during this very spawn. (Ours are all close-on-exec;
            // the JVM's own files and directory streams are not, which is why this is needed at all.)
            int highest = from - 1;
            try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
                for (Path entry : entries.toList()) {
                    highest = Math.max(highest, Integer.parseInt(entry.getFileName().toString()));
                }
            }
            catch (IOException ex) {
                throw new NativeCallException("listing /proc/self/fd", ex.toString());
            }
            for (int fd = from; fd <= highest + FALLBACK_MARGIN; fd++) {
                // glibc ignores EBADF from the close itself (not open); EBADF here means beyond the limit
                int error = libc.posix_spawn_file_actions_addclose(actions, fd);
                if (error == Errno.EBADF) {
                    break;
                }
                check(error, "addclose(" + fd + ")");
            }
        }

        private static void check(int error, String call) {
            if (error != 0) {
                throw new NativeCallException(call, error);
            }
        }

        /** A NULL-terminated {@code char *[]} with its strings, in one block. */
        private static Pointer strings(Runtime runtime, List<String> values) {
            List<byte[]> bytes = values.stream().map((s) -> s.getBytes(StandardCharsets.UTF_8)).toList();
            long vector = 8L * (bytes.size() + 1);
            long text = bytes.stream().mapToLong((b) -> b.length + 1).sum();
            Pointer block = Memory.allocateDirect(runtime, (int) (vector + text), true);
            long at = vector;
            for (int i = 0; i < bytes.size(); i++) {
                byte[] value = bytes.get(i);
                block.put(at, value, 0, value.length);
                block.putAddress(8L * i, block.address() + at);
                at += value.length + 1;
            }
            return block;
        }

    }

    /**
     * What one run of the helper did: the descriptor it sent (mounts; -1 if none), how it ended, what
     * it printed, and whether it had to be killed for running out of time.
     * @param exitStatus the exit status, or -1 when it was killed by a signal or could not be reaped
     * @param signal the signal that ended it, or 0
     */
    public record Outcome(String helper, int fd, int exitStatus, int signal, String output, boolean timedOut) {

        /** For an unmount: whether the helper reported success. */
        public boolean succeeded() {
            return this.exitStatus == 0 && !this.timedOut;
        }

        /**
         * The errno the helper's message names (it prints {@code strerror} under {@code LC_ALL=C}), with
         * fusermount's own refusals mapped: not mounted (or not by this user) is EINVAL, no write access
         * to the mount point is EACCES, {@code allow_other} without {@code user_allow_other} is EPERM.
         * ETIMEDOUT when it ran out of time; 0 when nothing can be told.
         */
        public int errno() {
            if (this.timedOut) {
                return Errno.ETIMEDOUT;
            }
            String text = this.output;
            if (text.contains(" not found in ") || text.contains(" not mounted")) {
                return Errno.EINVAL;
            }
            if (text.contains("user_allow_other")) {
                return Errno.EPERM;
            }
            if (text.contains("has no write access") || text.contains("not owned by user")) {
                return Errno.EACCES;
            }
            if (text.contains("fuse device not found")) {
                return Errno.ENODEV;
            }
            return Errno.fromMessage(text);
        }

        /** E.g. {@code "exit status 1: fusermount3: failed to unmount /x: Device or resource busy"}. */
        public String describe() {
            String how = this.timedOut ? "killed after running out of time"
                    : (this.signal != 0) ? "killed by signal " + this.signal
                            : (this.exitStatus >= 0) ? "exit status " + this.exitStatus : "exit status unknown";
            String said = this.output.strip();
            return how + (said.isEmpty() ? " and no message" : ": " + said.replace('\n', ' '));
        }

    }

}
