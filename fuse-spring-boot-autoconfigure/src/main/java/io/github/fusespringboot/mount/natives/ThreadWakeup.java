// Wakes a thread blocked in a read with the signal the JDK itself interrupts blocking I/O with.
package io.github.fusespringboot.mount.natives;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Makes a {@code read} that a given thread is blocked in return {@code EINTR}, so that a thread
 * reading a FUSE descriptor that no request comes to can be called back. It sends the signal the JDK
 * sends for the same purpose (NIO interrupting a thread blocked in I/O when its channel is closed:
 * {@code SIGRTMAX - 2} on Linux), whose handler the JDK installs as a no-op without
 * {@code SA_RESTART}. The handler is checked, not assumed: {@link #available()} is true only when it
 * is installed so (otherwise the engine does without the feature that needs it).
 */
public final class ThreadWakeup {

    /** Linux's {@code SIGRTMAX} (the kernel's, not glibc's: what the JDK derives its signal from). */
    private static final int SIGRTMAX = 64;

    static final int SIGNAL = SIGRTMAX - 2;

    private static final long SIG_IGN = 1;

    private static final int SA_RESTART = 0x10000000;

    /** glibc's {@code struct sigaction}: handler (8 bytes), {@code sigset_t} (128), flags (4), restorer. */
    private static final int SIGACTION_SIZE = 152;

    private static final int SA_FLAGS_OFFSET = 136;

    private static final Signals SIGNALS = LibraryLoader.create(Signals.class)
        .option(LibraryOption.SaveError, true)
        .load("c");

    private static final boolean AVAILABLE = check();

    /** The libc calls this class makes. Public only because jnr-ffi implements it in another class loader. */
    public interface Signals {

        int gettid();

        int tgkill(int tgid, int tid, int signal);

        int sigaction(int signal, Pointer action, Pointer previous);

    }

    private ThreadWakeup() {
    }

    private static boolean check() {
        try {
            // a blocking read of a file channel makes the JDK install its handler, if it has not yet
            try (FileChannel channel = FileChannel.open(Path.of("/dev/null"))) {
                channel.read(ByteBuffer.allocate(1));
            }
            Pointer previous = Memory.allocateDirect(Native.runtime(), SIGACTION_SIZE, true);
            if (SIGNALS.sigaction(SIGNAL, null, previous) != 0) {
                return false;
            }
            long handler = previous.getLong(0);
            return handler != 0 && handler != SIG_IGN && (previous.getInt(SA_FLAGS_OFFSET) & SA_RESTART) == 0;
        }
        catch (IOException | RuntimeException | LinkageError ex) {
            return false;
        }
    }

    /** Whether threads can be woken here (the JDK's no-op handler is installed, without SA_RESTART). */
    public static boolean available() {
        return AVAILABLE;
    }

    /** The calling thread's kernel thread id, for {@link #wake}. */
    public static int currentThreadId() {
        return SIGNALS.gettid();
    }

    /**
     * Sends the signal to thread {@code tid} of this process: a {@code read} it is blocked in returns
     * {@code EINTR}; a thread not in a system call runs the no-op handler and carries on. Returns 0 or the errno.
     */
    public static int wake(int tid) {
        return (SIGNALS.tgkill(Native.libc().getpid(), tid, SIGNAL) == 0) ? 0 : Native.lastErrno();
    }

}
