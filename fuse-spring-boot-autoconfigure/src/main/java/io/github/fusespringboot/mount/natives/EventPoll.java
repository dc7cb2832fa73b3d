// One epoll instance watching /dev/fuse descriptors: one-shot readiness, a 64-bit token per descriptor.
package io.github.fusespringboot.mount.natives;

import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * An epoll instance (close-on-exec) the protocol engine's serving threads all wait on, each for one
 * event at a time. Descriptors are watched one-shot ({@code EPOLLIN | EPOLLONESHOT}): after an event
 * the descriptor stays quiet until {@link #rearm} (the kernel then reports it again at once if a
 * request is still waiting), so one readiness wakes one thread and a descriptor is never handed to
 * two readers for it. {@code EPOLLERR}/{@code EPOLLHUP} (the connection is gone) are reported while
 * armed. Each descriptor carries a caller's token. Every call takes the calling thread's own
 * {@code struct epoll_event} ({@link #event()}).
 */
public final class EventPoll {

    private static final Epoll EPOLL = LibraryLoader.create(Epoll.class)
        .option(LibraryOption.SaveError, true)
        .load("c");

    private static final int EPOLL_CLOEXEC = 0x80000;

    private static final int EPOLL_CTL_ADD = 1;

    private static final int EPOLL_CTL_DEL = 2;

    private static final int EPOLL_CTL_MOD = 3;

    private static final int EPOLLIN = 0x1;

    private static final int EPOLLONESHOT = 1 << 30;

    /** {@code struct epoll_event} is packed on x86_64: a 32-bit mask, then 64 bits of data. */
    private static final int EVENT_SIZE = 12;

    private final int epfd;

    private volatile boolean closed;

    /** A new epoll instance. */
    public EventPoll() {
        int fd = EPOLL.epoll_create1(EPOLL_CLOEXEC);
        if (fd < 0) {
            throw new NativeCallException("epoll_create1", Native.lastErrno());
        }
        this.epfd = fd;
    }

    /** Starts watching {@code fd} for one request (or its end), reported with {@code token}. */
    public void add(int fd, long token, Pointer event) {
        control(EPOLL_CTL_ADD, fd, token, event, "epoll_ctl(ADD)");
    }

    /**
     * Watches {@code fd} again after an event, with {@code watch}: a {@code struct epoll_event} made by
     * {@link #watch(long)} for its token, which this only reads (so threads may share it). Returns 0 or
     * the errno (ENOENT: not watched).
     */
    public int rearm(int fd, Pointer watch) {
        return (EPOLL.epoll_ctl(this.epfd, EPOLL_CTL_MOD, fd, watch) == 0) ? 0 : Native.lastErrno();
    }

    /** A {@code struct epoll_event} that watches for one request reported with {@code token}, for {@link #rearm}. */
    public static Pointer watch(long token) {
        Pointer watch = event();
        fill(watch, token);
        return watch;
    }

    /** Stops watching {@code fd} (before it is closed). Returns 0 or the errno. */
    public int remove(int fd, Pointer event) {
        fill(event, 0);
        return (EPOLL.epoll_ctl(this.epfd, EPOLL_CTL_DEL, fd, event) == 0) ? 0 : Native.lastErrno();
    }

    /** A thread's own {@code struct epoll_event}, for {@link #await} and the watch calls. */
    public static Pointer event() {
        return Memory.allocateDirect(Native.runtime(), EVENT_SIZE, true);
    }

    /**
     * Waits up to {@code timeoutMillis} (-1: for ever) for one event, stored in {@code event} (its
     * token: {@link #token(Pointer)}). Returns 1, 0 on timeout or an interrupted wait, or a negative errno.
     */
    public int await(Pointer event, int timeoutMillis) {
        int ready = EPOLL.epoll_wait(this.epfd, event, 1, timeoutMillis);
        if (ready < 0) {
            int errno = Native.lastErrno();
            return (errno == Errno.EINTR) ? 0 : -errno;
        }
        return ready;
    }

    /** The token of the event {@link #await} stored in {@code event}. */
    public static long token(Pointer event) {
        return event.getLong(4);
    }

    /** Closes the epoll descriptor once. */
    public synchronized void close() {
        if (!this.closed) {
            this.closed = true;
            Native.close(this.epfd);
        }
    }

    private void control(int op, int fd, long token, Pointer event, String what) {
        fill(event, token);
        if (EPOLL.epoll_ctl(this.epfd, op, fd, event) != 0) {
            throw new NativeCallException(what, Native.lastErrno());
        }
    }

    private static void fill(Pointer event, long token) {
        event.putInt(0, EPOLLIN | EPOLLONESHOT);
        event.putLong(4, token);
    }

}
