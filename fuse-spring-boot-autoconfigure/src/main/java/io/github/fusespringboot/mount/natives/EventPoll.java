// One epoll instance watching /dev/fuse descriptors: one-shot readiness, a 64-bit token per descriptor.
package io.github.fusespringboot.mount.natives;

import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * An epoll instance (close-on-exec) the protocol engine's reactor waits on. Descriptors are watched
 * one-shot ({@code EPOLLIN | EPOLLONESHOT}): after an event the descriptor stays quiet until
 * {@link #rearm} (the kernel then reports it again at once if a request is still waiting), so a
 * descriptor is never handed to two readers for one readiness. {@code EPOLLERR}/{@code EPOLLHUP}
 * (the connection is gone) are always reported. Each descriptor carries a caller's token.
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

    private final Pointer events;

    private final int capacity;

    private volatile boolean closed;

    /** A new epoll instance that {@link #await} reports at most {@code capacity} events per call to. */
    public EventPoll(int capacity) {
        int fd = EPOLL.epoll_create1(EPOLL_CLOEXEC);
        if (fd < 0) {
            throw new NativeCallException("epoll_create1", Native.lastErrno());
        }
        this.epfd = fd;
        this.capacity = capacity;
        this.events = Memory.allocateDirect(Native.runtime(), capacity * EVENT_SIZE, true);
    }

    /** Starts watching {@code fd} for one request (or its end), reported with {@code token}. */
    public void add(int fd, long token, Pointer scratch) {
        control(EPOLL_CTL_ADD, fd, token, scratch, "epoll_ctl(ADD)");
    }

    /** Watches {@code fd} again after an event. Returns 0 or the errno (ENOENT: not watched). */
    public int rearm(int fd, long token, Pointer scratch) {
        fill(scratch, token);
        return (EPOLL.epoll_ctl(this.epfd, EPOLL_CTL_MOD, fd, scratch) == 0) ? 0 : Native.lastErrno();
    }

    /** Stops watching {@code fd} (before it is closed). Returns 0 or the errno. */
    public int remove(int fd, Pointer scratch) {
        fill(scratch, 0);
        return (EPOLL.epoll_ctl(this.epfd, EPOLL_CTL_DEL, fd, scratch) == 0) ? 0 : Native.lastErrno();
    }

    /** A thread's own {@code struct epoll_event} for {@link #add}, {@link #rearm} and {@link #remove}. */
    public static Pointer scratch() {
        return Memory.allocateDirect(Native.runtime(), EVENT_SIZE, true);
    }

    /**
     * Waits up to {@code timeoutMillis} (-1: for ever) for events. Returns how many are ready (read
     * them with {@link #token(int)}), 0 on timeout or an interrupted wait, or a negative errno.
     */
    public int await(int timeoutMillis) {
        int ready = EPOLL.epoll_wait(this.epfd, this.events, this.capacity, timeoutMillis);
        if (ready < 0) {
            int errno = Native.lastErrno();
            return (errno == Errno.EINTR) ? 0 : -errno;
        }
        return ready;
    }

    /** The token of the {@code index}th event of the last {@link #await}. */
    public long token(int index) {
        return this.events.getLong((long) index * EVENT_SIZE + 4);
    }

    /** Closes the epoll descriptor once. */
    public synchronized void close() {
        if (!this.closed) {
            this.closed = true;
            Native.close(this.epfd);
        }
    }

    private void control(int op, int fd, long token, Pointer scratch, String what) {
        fill(scratch, token);
        if (EPOLL.epoll_ctl(this.epfd, op, fd, scratch) != 0) {
            throw new NativeCallException(what, Native.lastErrno());
        }
    }

    private static void fill(Pointer scratch, long token) {
        scratch.putInt(0, EPOLLIN | EPOLLONESHOT);
        scratch.putLong(4, token);
    }

}
