// One mount as the reactor serves it: who reads its descriptor, how many of its requests run, its end.
package io.github.fusespringboot.mount.serve;

import io.github.fusespringboot.mount.natives.Errno;
import io.github.fusespringboot.mount.natives.EventPoll;
import io.github.fusespringboot.mount.natives.ThreadWakeup;
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
final class Registration implements DedicatedReaders.Owner, QuickCaller.Source {

    private static final Logger logger = LoggerFactory.getLogger(Registration.class);

    /**
     * Whether busy mounts may get {@link DedicatedReaders} ({@code -Dfuse.protocol.dedicated-readers=false}:
     * never); they also need {@link ThreadWakeup#available()}, checked once, by the {@link SoloWatch}
     * thread when it starts.
     */
    static final boolean DEDICATED_READERS = !"false".equals(System.getProperty("fuse.protocol.dedicated-readers"));

    private final Reactor reactor;

    private final ProtocolSession session;

    private final ServingHandle handle;

    private final int cap;

    private final long token;

    /** The {@code struct epoll_event} that re-arms this descriptor, filled once and only read after. */
    private final Pointer watch;

    private int inFlight;

    private boolean armed;

    /** Whether one thread serves the mount alone, its descriptor out of epoll (see {@link #serveOne}). */
    private boolean alone;

    private long aloneSince;

    /** Whether this mount's caller is worth waiting for when it is served alone. */
    private final QuickCaller quick = new QuickCaller();

    private volatile boolean ended;

    /** Threads about to read or re-arm the descriptor; the handle hears of the end once none is. */
    private final EndGate gate;

    /** Whether {@link #readers} serve the mount now (the descriptor is then left out of epoll). */
    private volatile boolean dedicated;

    /** Whether the mount may get readers of its own (false once the kernel or the JVM refused them). */
    private boolean readersPossible;

    /** The mount's readers, made the first time it is busy. */
    private volatile DedicatedReaders readers;

    private final BusyMeter meter = new BusyMeter();

    /** The {@code struct epoll_event} the readers remove the descriptor from epoll with when the mount ends. */
    private Pointer readersEvent;

    Registration(Reactor reactor, ProtocolSession session, ServingHandle handle, int cap, long token) {
        this.reactor = reactor;
        this.session = session;
        this.handle = handle;
        this.cap = cap;
        this.token = token;
        this.watch = EventPoll.watch(token);
        this.gate = new EndGate(handle::ended);
        this.readersPossible = DEDICATED_READERS && cap > 1;
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

    /**
     * Reads and runs the request epoll woke this pool thread for. When it is the mount's only request
     * in flight, the thread serves the mount alone: the descriptor stays out of epoll while the
     * request runs, and afterwards the thread reads the next request itself (non-blocking) before it
     * re-arms and goes back to epoll. So a caller that sends one request after the other (a single
     * reader, a stat after a lookup) is served by the one thread, and no other thread is woken for a
     * request this one will take anyway (which, on two cores, costs a cross-CPU wake-up per request).
     * A second request already waiting ends it (the others help again, up to the cap; not after a
     * RELEASE, whose program's next request must find the file closed), and so does the
     * {@link SoloWatch} when the request takes longer than {@link SoloWatch#SOLO_LIMIT_NANOS}.
     */
    void serveOne(ServingPool.Worker worker) {
        if (!this.gate.enter()) {
            return;
        }
        try {
            serve(worker);
        }
        finally {
            this.gate.leave();
        }
    }

    private void serve(ServingPool.Worker worker) {
        if (this.ended || this.dedicated) {
            return; // dedicated: an event from before the readers took over; they read the mount now
        }
        Pointer event = worker.event;
        ServingSession.Buffer buffer = this.session.buffer();
        int length = read(buffer, event, true);
        if (length < 0) {
            return;
        }
        long now = System.nanoTime();
        this.quick.woken(now);
        boolean rearm;
        // alone when nothing else is in flight (read without the lock: checked again under it) nor waiting
        // a RELEASE is served alone even with requests waiting: they may be its program's next ones
        boolean alone = this.cap > 1 && inFlightNow() == 0
                && (this.session.isOrdered(buffer) || !this.session.pending(buffer));
        synchronized (this) {
            this.inFlight++;
            alone &= this.inFlight == 1;
            if (alone) {
                this.alone = true;
                this.aloneSince = now;
                this.armed = true; // owned by this thread, which reads again or re-arms
                rearm = false;
            }
            else {
                rearm = this.inFlight < this.cap;
                this.armed = rearm;
            }
        }
        if (alone) {
            this.reactor.soloWatch().started();
        }
        if (rearm) {
            rearm(event);
        }
        while (true) {
            run(worker, buffer, length, event);
            if (!alone) {
                serveQueued(worker, buffer, event);
                return;
            }
            synchronized (this) {
                if (!this.alone) {
                    return; // the watch shared the mount out (and re-armed it) while the request ran
                }
                this.inFlight++;
            }
            int caller = this.readersPossible ? this.session.callerPid(buffer) : 0;
            length = read(buffer, event, false);
            if (length < 0 && mayWait()) {
                length = this.quick.await(this, buffer, event);
            }
            boolean another = length >= 0;
            // more than that one waiting: other clients at once, which the other threads help with
            boolean queue = another && !this.session.isOrdered(buffer) && this.session.pending(buffer);
            boolean stopped;
            boolean busy;
            synchronized (this) {
                boolean wasAlone = this.alone; // false when the watch shared the mount out during the read
                if (!another) {
                    this.inFlight--;
                }
                // the next request was there already, from another caller: clients at once
                busy = another && this.readersPossible && this.session.callerPid(buffer) != caller && busyRun(1);
                alone = wasAlone && another && !queue && this.inFlight == 1 && !this.ended;
                if (alone) {
                    this.aloneSince = System.nanoTime();
                }
                else {
                    this.alone = false;
                }
                stopped = wasAlone && !alone;
                rearm = stopped && !this.ended;
            }
            if (stopped) {
                this.reactor.soloWatch().ended();
            }
            if (rearm) {
                rearm(event);
            }
            if (busy) {
                dedicate();
            }
            if (!another) {
                this.quick.quiet(System.nanoTime());
                return;
            }
        }
    }

    /**
     * Whether the thread serving alone may wait a little for the next request ({@link QuickCaller}):
     * its caller is quick, and no other mount or thread is being served now (the wait is a busy one,
     * which costs a core the others could use).
     */
    private boolean mayWait() {
        return this.quick.isQuick() && !this.ended && this.reactor.soloWatch().servedAlone() == 1
                && this.reactor.pool().busyThreads() <= 1;
    }

    @Override
    public int readNext(ServingSession.Buffer buffer, Pointer event) {
        return read(buffer, event, false);
    }

    @Override
    public boolean isOver() {
        return this.ended;
    }

    /**
     * With others serving the mount too: runs the requests this thread can read at once (a queue of
     * them, several callers at a time) while the mount has room under its cap, then goes back to epoll.
     * The descriptor stays armed throughout, so the other threads keep reading too.
     */
    private void serveQueued(ServingPool.Worker worker, ServingSession.Buffer buffer, Pointer event) {
        while (true) {
            synchronized (this) {
                if (this.ended || this.dedicated || !this.armed || this.alone || this.inFlight + 1 >= this.cap) {
                    return;
                }
                this.inFlight++;
            }
            int length = read(buffer, event, false);
            if (length < 0) {
                synchronized (this) {
                    this.inFlight--;
                }
                return;
            }
            run(worker, buffer, length, event);
        }
    }

    private synchronized int inFlightNow() {
        return this.inFlight;
    }

    /**
     * From the {@link SoloWatch}: gives the mount back to epoll when one thread has served it alone
     * for longer than the limit (its request is slow, or its callback blocks), so that its next
     * requests are read by other threads meanwhile.
     */
    void shareIfSlow(long now, Pointer scratch) {
        boolean rearm;
        synchronized (this) {
            if (!this.alone || now - this.aloneSince < SoloWatch.SOLO_LIMIT_NANOS) {
                return;
            }
            this.alone = false;
            rearm = !this.ended;
        }
        this.reactor.soloWatch().ended();
        if (rearm) {
            rearm(scratch);
        }
    }

    /**
     * One request into {@code buffer}: its length, or -1 when there is none (EAGAIN: re-armed if
     * {@code woken}, epoll having disarmed the descriptor for this thread) or the mount ended.
     */
    private int read(ServingSession.Buffer buffer, Pointer event, boolean woken) {
        while (true) {
            int length = this.session.receive(buffer);
            if (length >= 0) {
                return length;
            }
            int errno = -length;
            if (errno == Errno.EINTR || errno == Errno.ENOENT) {
                continue; // ENOENT: a request interrupted before it was read
            }
            if (errno == Errno.EAGAIN) {
                if (woken) {
                    rearm(event); // taken by the thread that served the one before, or a spurious wake-up
                }
                return -1;
            }
            end((errno == Errno.ENODEV || errno == Errno.ECONNABORTED) ? 0 : errno, event);
            return -1;
        }
    }

    /** Runs a request read and counted in flight; then counts it done and re-arms if the cap had stopped reading. */
    private void run(ServingPool.Worker worker, ServingSession.Buffer buffer, int length, Pointer event) {
        this.handle.requestStarted();
        boolean init = this.session.isInit(buffer);
        // only where it can matter: the request is still in the buffer now, not after it ran
        boolean large = this.readersPossible && this.session.isLargeTransfer(buffer, length);
        worker.serving(this);
        try {
            this.session.process(buffer, length);
            if (init) {
                this.handle.initProcessed();
            }
        }
        finally {
            boolean rearm;
            boolean busy = false;
            synchronized (this) {
                this.inFlight--;
                rearm = !this.armed && !this.ended;
                this.armed |= rearm;
                // a small request served alone counts only where the next one was waiting (see serveOne)
                busy = (!this.alone || large) && busyRun(large ? BusyMeter.LARGE_WEIGHT : 1);
            }
            if (rearm) {
                rearm(event);
            }
            if (busy) {
                dedicate();
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

    /**
     * Counts a request that found the mount busy (served beside others, or waiting from another
     * caller when the thread serving the mount alone had answered the one before) or that moves a
     * lot of data ({@link ProtocolSession#isLargeTransfer}, counting for {@link BusyMeter#LARGE_WEIGHT}:
     * blocking readers stream those faster, as measured with one client); whether that makes a run
     * of them ({@link BusyMeter}), so the mount gets readers of its own. One caller (its requests and its read-ahead) is served alone
     * and never gets them: one thread serving it alone does better than several taking turns. The
     * caller holds the lock.
     */
    private boolean busyRun(int weight) {
        return this.readersPossible && !this.dedicated && !this.ended && this.meter.count(weight);
    }

    /**
     * Hands the mount to its {@link DedicatedReaders}: it stops being served alone or from epoll
     * (nothing re-arms it while they serve) until the last of them is gone.
     */
    private void dedicate() {
        boolean wasAlone;
        if (!ThreadWakeup.available()) { // readers could not be called back: the mount stays on the epoll
            synchronized (this) {
                this.readersPossible = false;
            }
            return;
        }
        synchronized (this) {
            if (this.dedicated || this.ended) {
                return;
            }
            this.dedicated = true;
            wasAlone = this.alone;
            this.alone = false;
            if (this.readers == null) {
                this.readersEvent = EventPoll.event();
                this.readers = new DedicatedReaders(this.session, this.handle, this, this.reactor.readerThreads(),
                        this.cap);
            }
        }
        if (wasAlone) {
            this.reactor.soloWatch().ended();
        }
        this.reactor.soloWatch().dedicatedStarted();
        if (!this.readers.start()) {
            synchronized (this) {
                this.readersPossible = false; // not again: the clone or the thread was refused
            }
            readersGone();
        }
    }

    @Override
    public void ended(int errno) {
        end(errno, this.readersEvent);
    }

    @Override
    public void readersGone() {
        boolean rearm;
        synchronized (this) {
            this.dedicated = false;
            this.meter.reset();
            this.armed = true;
            rearm = !this.ended;
        }
        this.reactor.soloWatch().dedicatedEnded();
        if (rearm) {
            rearm(this.readersEvent);
        }
    }

    /** From the watch, every tick: {@link #shareIfSlow}, and calls dedicated readers back once the mount is idle. */
    void watch(long now, Pointer scratch) {
        if (!this.gate.enter()) {
            return;
        }
        try {
            shareIfSlow(now, scratch);
            DedicatedReaders dedicatedReaders = this.readers;
            if (this.dedicated && dedicatedReaders != null) {
                dedicatedReaders.releaseIfIdle(now);
            }
        }
        finally {
            this.gate.leave();
        }
    }

    /** Names the threads now running this mount's requests after it, until each request is done. */
    void nameRequestThreads() {
        this.reactor.pool().nameThreadsServing(this, this.handle.threadName());
    }

    private void rearm(Pointer event) {
        if (this.dedicated) {
            return; // the readers serve the mount; the last of them re-arms it
        }
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
        this.gate.end(errno);
    }

}
