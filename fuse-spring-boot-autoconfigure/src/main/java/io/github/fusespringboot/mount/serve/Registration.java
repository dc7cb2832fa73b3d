// One mount as the reactor serves it: who reads its descriptor, how many of its requests run, its end.
package io.github.fusespringboot.mount.serve;

import io.github.fusespringboot.mount.natives.Errno;
import io.github.fusespringboot.mount.natives.EventPoll;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mount's descriptor in the {@link Reactor}. It is run (as a pool task) each time epoll reports the
 * descriptor ready and reads one request. At most one thread owns the descriptor's readiness at a
 * time ({@code armed}: watched one-shot by epoll, or being read); after a request it is re-armed at
 * once while fewer than {@code cap} requests are in flight, otherwise when one of them is done. ENODEV
 * (unmounted) or ECONNABORTED (aborted) removes it from epoll and tells the handle, which counts the
 * requests still running before it calls serving over.
 */
final class Registration implements Runnable {

    private static final Logger logger = LoggerFactory.getLogger(Registration.class);

    private final Reactor reactor;

    private final ProtocolSession session;

    private final ServingHandle handle;

    private final int cap;

    private final long token;

    private final String threadName;

    /** This registration's {@code struct epoll_event}, used under the lock. */
    private final Pointer scratch = EventPoll.scratch();

    private int inFlight;

    private boolean armed;

    private boolean ended;

    Registration(Reactor reactor, ProtocolSession session, ServingHandle handle, int cap, long token) {
        this.reactor = reactor;
        this.session = session;
        this.handle = handle;
        this.cap = cap;
        this.token = token;
        this.threadName = handle.threadName();
    }

    synchronized void start() {
        this.armed = true;
        this.reactor.poll().add(this.session.fd(), this.token, this.scratch);
    }

    /** Reads and runs one request (a pool task, run once per readiness). */
    @Override
    public void run() {
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
                rearm(); // another reader took it, or a spurious wake-up
                return;
            }
            end((errno == Errno.ENODEV || errno == Errno.ECONNABORTED) ? 0 : errno);
            return;
        }
        this.handle.requestStarted();
        boolean init = this.session.isInit(buffer);
        synchronized (this) {
            this.inFlight++;
            if (this.inFlight < this.cap) {
                rearmLocked();
            }
            else {
                this.armed = false;
            }
        }
        Thread thread = Thread.currentThread();
        String idleName = thread.getName();
        thread.setName(this.threadName);
        try {
            this.session.process(buffer, length);
            if (init) {
                this.handle.initProcessed();
            }
        }
        finally {
            thread.setName(idleName);
            synchronized (this) {
                this.inFlight--;
                if (!this.armed && !this.ended) {
                    this.armed = true;
                    rearmLocked();
                }
            }
            this.handle.requestDone();
        }
    }

    private synchronized void rearm() {
        rearmLocked();
    }

    private void rearmLocked() {
        if (this.ended) {
            return;
        }
        int errno = this.reactor.poll().rearm(this.session.fd(), this.token, this.scratch);
        if (errno != 0) {
            logger.warn("Watching a FUSE descriptor again failed with {}; the mount stops serving",
                    Errno.describe(errno));
            // not from under our own lock: end() tells the handle, which must not run under it
            this.reactor.pool().execute(() -> end(errno));
        }
    }

    private void end(int errno) {
        synchronized (this) {
            if (this.ended) {
                return;
            }
            this.ended = true;
            this.armed = false;
            this.reactor.poll().remove(this.session.fd(), this.scratch);
        }
        this.reactor.forget(this.token);
        this.handle.ended(errno);
    }

}
