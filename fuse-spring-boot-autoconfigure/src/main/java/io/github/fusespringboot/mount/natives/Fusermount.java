// Finds the set-uid fusermount3 helper and runs it for one mount (receiving /dev/fuse) or unmount: the public entry.
package io.github.fusespringboot.mount.natives;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jnr.ffi.Pointer;

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
 * {@link HelperSpawn#FALLBACK_MARGIN FALLBACK_MARGIN}, holes included, since a descriptor another thread
 * opens meanwhile takes the lowest free number). Closing before exec is
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

    /** {@code posix_spawn_file_actions_addclosefrom_np}, bound on its own: glibc has it since 2.34 only. */
    public interface CloseFrom {

        int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);

    }

    private Fusermount() {
    }

    /**
     * Whether the child closes every inherited descriptor with one closefrom action (glibc 2.34+);
     * otherwise it gets one close action per descriptor open at spawn time.
     */
    public static boolean hasCloseFrom() {
        return HelperSpawn.hasCloseFrom();
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
        HelperReaper.reapAbandoned();
        long deadline = System.nanoTime() + Math.max(timeout.toNanos(), 0);
        HelperChannel.Ends ends = HelperChannel.open(passSocket);
        int outRead = ends.outRead();
        int outWrite = ends.outWrite();
        int ours = ends.ours();
        int theirs = ends.theirs();
        List<String> environment = new ArrayList<>(List.of("PATH=" + CHILD_PATH, "LC_ALL=C"));
        if (passSocket) {
            environment.add("_FUSE_COMMFD=" + COMM_FD);
        }
        HelperSpawn spawn = new HelperSpawn(helper, argv, environment, outWrite, theirs);
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
        return HelperChannel.collect(helper, pid, ours, outRead, deadline);
    }

    /** Number of children that could not be reaped yet (killed, but still in the kernel). */
    public static int unreaped() {
        return HelperReaper.unreaped();
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
