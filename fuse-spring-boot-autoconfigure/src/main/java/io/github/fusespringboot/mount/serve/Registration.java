// One mount as the reactor serves it: who reads its descriptor, how many of its requests run, its end.
package io.github.fusespringboot.mount.serve;

import io.github.fusespringboot.mount.natives.Errno;
import io.github.fusespringboot.mount.natives.EventPoll;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mount's descriptor in the {@link Reactor}. The pool thread that epoll wakes for it reads one
 * request ({@link #serveOne}). At most one thread owns the descriptor's readiness at a time
 * ({@code armed}: watched one-shot by epoll, or being read); after a request is read it is re-armed
 * at once while fewer than {@code cap} requests are in flight, otherwise when one of them is done.
 * ENODEV (unmounted) or ECONNABORTED (aborted) removes it from epoll and tells the handle, which
 * counts the requests still running before it calls serving over; threads still running requests
 * then are named after the mount until they return.
 */
final class Registration {

    private static final Logger logger = LoggerFactory.getLogger(Registration.class);

    private final Reactor reactor;

    private final ProtocolSession session;

    private final ServingHandle handle;

    private final int cap;

    private final long token;

    /** The {@code struct epoll_event} that re-arms this descriptor, filled once and only read after. */
    private final Pointer watch;

    private int inFlight;

    private boolean armed;

    private volatile boolean ended;

    Registration(Reactor reactor, ProtocolSession session, ServingHandle handle, int cap, long token) {
        this.reactor = reactor;
        this.session = session;
        this.handle = handle;
        this.cap = cap;
        this.token = token;
        this.watch = EventPoll.watch(token);
    }

    long token() {
        return this.token;
    }

    ServingHandle handle() {
        return this.handle;
    }

    synchronized void start() {
        this.armed = true;
        this.reactor.poll().add(this.session.fd(), this.token, this.watch); // fills it as it was
    }

    /** Reads and runs one request, on the pool thread epoll woke for this descriptor's readiness. */
    void serveOne(ServingPool.Worker worker) {
        if (this.ended) {
            return;
        }
        Pointer event = worker.event;
        ServingSession.Buffer buffer = this.session.buffer();
        int length;
        while (true) {
            length = this.session.receive(buffer);
            if (length >= 0) {
                break;
            }
            int errno = -length;
            if (errno == Errno.EINTR || errno == Errno.ENOENT) {
                continue; // ENOENT: a request interrupted before it was read
            }
            if (errno == Errno.EAGAIN) {
                rearm(event); // a spurious wake-up
                return;
            }
            end((errno == Errno.ENODEV || errno == Errno.ECONNABORTED) ? 0 : errno, event);
            return;
        }
        this.handle.requestStarted();
        boolean init = this.session.isInit(buffer);
        worker.serving(this);
        boolean rearm;
        synchronized (this) {
            this.inFlight++;
            rearm = this.inFlight < this.cap;
            this.armed = rearm;
        }
        if (rearm) {
            rearm(event);
        }
        try {
            this.session.process(buffer, length);
            if (init) {
                this.handle.initProcessed();
            }
        }
        finally {
            synchronized (this) {
                this.inFlight--;
                rearm = !this.armed && !this.ended;
                this.armed |= rearm;
            }
            if (rearm) {
                rearm(event);
            }
            try {
                this.handle.requestDone();
            }
            finally {
                // a name given for diagnostics is taken back only after the handle heard of the end
                // (which may free what an abandoned mount left): whoever waits for the name to go sees it done
                worker.served();
            }
        }
    }

    /** Names the threads now running this mount's requests after it, until each request is done. */
    void nameRequestThreads() {
        this.reactor.pool().nameThreadsServing(this, this.handle.threadName());
    }

    private void rearm(Pointer event) {
        int errno = this.reactor.poll().rearm(this.session.fd(), this.watch);
        if (errno != 0 && !this.ended) {
            logger.warn("Watching a FUSE descriptor again failed with {}; the mount stops serving",
                    Errno.describe(errno));
            end(errno, event);
        }
    }

    private void end(int errno, Pointer event) {
        boolean running;
        synchronized (this) {
            if (this.ended) {
                return;
            }
            this.ended = true;
            this.armed = false;
            running = this.inFlight > 0;
            this.reactor.poll().remove(this.session.fd(), event);
        }
        this.reactor.forget(this);
        if (running) {
            nameRequestThreads(); // the mount is gone but callbacks still run: show whose they are
        }
        this.handle.ended(errno);
    }

}
