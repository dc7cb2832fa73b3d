// Runs part of a check as another caller: its own umask, or another user's filesystem uid and gid.
package io.github.fusespringboot.test.conformance;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.github.fusespringboot.test.conformance.natives.Syscalls;
import org.opentest4j.AssertionFailedError;

/**
 * A dedicated thread with its own filesystem context ({@code unshare(CLONE_FS)}: cwd and umask of its
 * own), so a umask or a {@code setfsuid(2)} never leaks into the JVM's other threads, among them the
 * threads that serve the very filesystem under test. Linux keeps fsuid/fsgid per thread, and a FUSE
 * request carries the fsuid and fsgid of the thread that caused it.
 */
final class Caller {

    private static final long TIMEOUT_SECONDS = 60;

    private Caller() {
    }

    /** Runs {@code body} with umask {@code mask}; the JVM's own umask is untouched. */
    static void withUmask(int mask, Runnable body) throws Exception {
        run("umask " + Flags.mode(mask), () -> {
            Syscalls.umask(mask);
            body.run();
        });
    }

    /**
     * Runs {@code body} as {@code uid}:{@code gid} (fsuid and fsgid; root's capabilities drop with
     * them) with {@code dir} as current directory, so {@code body} uses names relative to it and
     * never needs to search the directories above (which may be closed to that user).
     */
    static void as(int uid, int gid, String dir, Runnable body) throws Exception {
        int fd = Posix.open(dir, Flags.O_PATH | Flags.O_DIRECTORY | Flags.O_CLOEXEC).ok();
        try {
            run("uid " + uid + ", gid " + gid + ", in " + dir, () -> {
                Posix.fchdirAsSetUp(fd);
                Syscalls.setfsgid(gid);
                Syscalls.setfsuid(uid);
                // setfsuid(-1) changes nothing and returns the current fsuid
                long now = Syscalls.setfsuid(-1).value();
                if (now != uid) {
                    throw new IllegalStateException("setfsuid(" + uid + ") did not take: fsuid is " + now);
                }
                body.run();
            });
        }
        finally {
            Posix.closeQuietly(fd);
        }
    }

    private static void run(String who, Runnable body) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                Posix.unshare(Flags.CLONE_FS).ok();
                body.run();
            }
            catch (Throwable ex) {
                failure.set(ex);
            }
        }, "fuse-conformance-caller");
        thread.setDaemon(true);
        thread.start();
        thread.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        if (thread.isAlive()) {
            throw new AssertionFailedError("as " + who + ": still running after " + TIMEOUT_SECONDS
                    + " s (a call is stuck in the filesystem)");
        }
        Throwable thrown = failure.get();
        if (thrown instanceof AssertionFailedError assertion) {
            throw new AssertionFailedError("as " + who + ": " + assertion.getMessage(),
                    assertion.isExpectedDefined() ? assertion.getExpected().getValue() : null,
                    assertion.isActualDefined() ? assertion.getActual().getValue() : null, assertion);
        }
        if (thrown instanceof Exception ex) {
            throw ex;
        }
        if (thrown instanceof Error error) {
            throw error;
        }
    }

}
