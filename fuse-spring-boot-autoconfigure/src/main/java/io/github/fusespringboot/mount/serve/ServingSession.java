// What the mount handle needs of a session: a descriptor to read requests from and a way to answer them.
package io.github.fusespringboot.mount.serve;

/**
 * The seam between a mount's handle (its threads, state and unmount escalation) and the session
 * that turns requests into filesystem calls ({@link ProtocolSession}). Serving threads
 * ({@code -Dfuse.protocol.serving=threads}) loop on {@link #receive} and {@link #process}; the session never calls
 * back into the handle except through the callbacks it was built with.
 */
public interface ServingSession {

    /** A serving thread's request buffer, made by {@link #buffer()} and used only by that thread. */
    interface Buffer {
    }

    /** The descriptor this session reads requests from. */
    int fd();

    /** The calling thread's buffer, big enough for any request of this session. */
    Buffer buffer();

    /**
     * Reads one request. Returns its length, or a negative errno: {@code -ENODEV} once the file
     * system is unmounted, {@code -ECONNABORTED} once the connection was aborted, {@code -EINTR} /
     * {@code -EAGAIN} / {@code -ENOENT} (an interrupted request) to simply read again.
     */
    int receive(Buffer buffer);

    /** Whether another request waits to be read now ({@code buffer}: the calling thread's). */
    boolean pending(Buffer buffer);

    /**
     * Whether the request just received should end before the mount's next requests start: a RELEASE
     * (or RELEASEDIR), which the kernel sends without waiting for it, so that the UNLINK a program
     * sends after its close finds the file closed (and unlinks it instead of hiding it).
     */
    boolean isOrdered(Buffer buffer);

    /** Whether the request just received is the kernel's INIT. */
    boolean isInit(Buffer buffer);

    /**
     * Whether the session is ready to serve: the INIT just processed was answered with a version
     * (false after a "newer major" answer that waits for a second INIT).
     */
    default boolean initialized() {
        return true;
    }

    /** Handles one request (calling the filesystem) and writes its reply, if it has one. Never throws. */
    void process(Buffer buffer, int length);

    /**
     * Frees the session: calls the filesystem's destroy, closes the descriptor. Only once every
     * thread has stopped reading; idempotent.
     */
    void destroy();

}
