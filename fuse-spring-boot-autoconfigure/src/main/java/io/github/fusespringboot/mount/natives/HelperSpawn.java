// Starts the helper with posix_spawn on a pooled thread: its descriptor table built from scratch, default signals.
package io.github.fusespringboot.mount.natives;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * One posix_spawn, run on a pooled thread so that the caller's wait for it is bounded (why, and which
 * descriptors the child gets: see {@link Fusermount}).
 */
final class HelperSpawn implements Callable<Integer> {

    // spawn.h: x86_64 and aarch64 alike
    private static final short POSIX_SPAWN_SETSIGDEF = 4;

    private static final short POSIX_SPAWN_SETSIGMASK = 8;

    // sizes with room to spare: glibc's posix_spawn_file_actions_t is 80 bytes, posix_spawnattr_t 336,
    // sigset_t 128
    private static final int FILE_ACTIONS_SIZE = 256;

    private static final int ATTRIBUTES_SIZE = 1024;

    private static final int SIGSET_SIZE = 128;

    /** Without closefrom: how many numbers above the highest open descriptor are closed too. */
    static final int FALLBACK_MARGIN = 256;

    private static final Fusermount.CloseFrom CLOSE_FROM = loadCloseFrom();

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

    private static final int RUNNING = 0;

    private static final int TAKEN = 1;

    private static final int ABANDONED = 2;

    private final AtomicInteger state = new AtomicInteger(RUNNING);

    private final String helper;

    private final List<String> argv;

    private final List<String> environment;

    private final int outWrite;

    private final int theirs;

    HelperSpawn(String helper, List<String> argv, List<String> environment, int outWrite, int theirs) {
        this.helper = helper;
        this.argv = argv;
        this.environment = environment;
        this.outWrite = outWrite;
        this.theirs = theirs;
    }

    private static Fusermount.CloseFrom loadCloseFrom() {
        try {
            return LibraryLoader.create(Fusermount.CloseFrom.class).failImmediately().load("c");
        }
        catch (Throwable ex) {
            return null;
        }
    }

    /** See {@link Fusermount#hasCloseFrom()}. */
    static boolean hasCloseFrom() {
        return CLOSE_FROM != null
                && Boolean.parseBoolean(System.getProperty(Fusermount.CLOSEFROM_PROPERTY, "true"));
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
                    deadline = System.nanoTime() + HelperReaper.KILL_GRACE.toNanos(); // it just finished
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
                HelperReaper.reap(pid, 0, true);
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
                    check(libc.posix_spawn_file_actions_adddup2(actions, this.theirs, Fusermount.COMM_FD),
                            "adddup2(3)");
                    closeFrom = Fusermount.COMM_FD + 1;
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
