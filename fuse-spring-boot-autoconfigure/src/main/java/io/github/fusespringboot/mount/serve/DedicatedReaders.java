// A busy mount's own threads, each blocked in read on a clone of its descriptor, called back when the mount goes quiet.
package io.github.fusespringboot.mount.serve;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.fusespringboot.mount.natives.Errno;
import io.github.fusespringboot.mount.natives.FuseDevice;
import io.github.fusespringboot.mount.natives.NativeCallException;
import io.github.fusespringboot.mount.natives.ThreadWakeup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serving for a mount under steady load, as libfuse's multi-threaded loop serves: each reader thread
 * blocks in {@code read} on a descriptor of its own on the mount's connection (a clone, so that it can
 * block while the mount's own descriptor stays non-blocking for the epoll) and answers there, so a
 * request costs one {@code read} and one {@code writev} and wakes exactly one thread; while every
 * reader is busy another starts, up to the mount's cap, and counts as waiting from the moment it is
 * started (as libfuse counts a thread it starts as available), so that the requests that come while
 * it starts do not start more. The {@link Registration} hands a mount over
 * after a run of requests in quick succession and leaves its descriptor out of epoll meanwhile.
 *
 * <p>
 * When no request came for {@link #IDLE_NANOS}, the {@link SoloWatch} calls them back
 * ({@link #releaseIfIdle}): readers blocked in {@code read} are woken ({@link ThreadWakeup}: the read
 * returns EINTR), readers in a callback finish it first; each closes its clone holding no request,
 * and the last one gives the mount back to the epoll ({@link Owner#readersGone()}). So an idle
 * mount holds no thread. A reader counts as serving with the mount's handle from its start to its
 * end, so an unmount (ENODEV for every reader) waits for them all. A RELEASE a reader read holds
 * the requests other readers read after it until it is done (at most {@link #ORDER_WAIT_NANOS}), so
 * that the UNLINK a program sends after its close finds the file closed.
 */
final class DedicatedReaders {

    private static final Logger logger = LoggerFactory.getLogger(DedicatedReaders.class);

    /** A mount with no request for this long gives its readers back. */
    static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    static final long ORDER_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /** What the readers need of the registration that made them. */
    interface Owner {

        /** The connection ended (0: unmounted or aborted) or reading failed with {@code errno}. */
        void ended(int errno);

        /** The last reader is gone (released or the mount ended): the descriptor goes back to epoll. */
        void readersGone();

    }

    private final ProtocolSession session;

    private final ServingHandle handle;

    private final Owner owner;

    private final Executor threads;

    private final int cap;

    private final List<Reader> readers = new CopyOnWriteArrayList<>();

    /** Readers running or being started: at most the cap; the one that takes it to 0 gives the mount back. */
    private final AtomicInteger count = new AtomicInteger();

    /** Readers waiting in read now, and readers started but not yet at their first read. */
    private final AtomicInteger idle = new AtomicInteger();

    /** RELEASE (or RELEASEDIR) requests running now. */
    private final AtomicInteger orderedRunning = new AtomicInteger();

    private volatile boolean releasing;

    private volatile long lastRequest;

    DedicatedReaders(ProtocolSession session, ServingHandle handle, Owner owner, Executor threads, int cap) {
        this.session = session;
        this.handle = handle;
        this.owner = owner;
        this.threads = threads;
        this.cap = Math.max(1, cap);
    }

    /**
     * Starts the first reader (none may be left from before). Returns false, having started none and
     * told the owner nothing, when no clone can be opened or no thread started.
     */
    boolean start() {
        FuseDevice clone;
        try {
            clone = this.session.openReader();
        }
        catch (NativeCallException ex) {
            logger.debug("FUSE mount served from epoll only: {}", ex.getMessage());
            return false;
        }
        this.lastRequest = System.nanoTime();
        this.releasing = false;
        this.count.incrementAndGet();
        if (launch(clone, false)) {
            return true;
        }
        this.count.decrementAndGet();
        this.handle.requestDone();
        return false;
    }

    /**
     * Starts a reader thread on {@code clone}, counted as serving with the handle from now on
     * ({@code countedIdle}: and already counted as waiting). On false (no thread), the clone is
     * closed and the caller takes back its counts and the handle's.
     */
    private boolean launch(FuseDevice clone, boolean countedIdle) {
        Reader reader = new Reader(clone, countedIdle);
        this.readers.add(reader);
        this.handle.requestStarted(); // a reader counts as serving until it ends
        try {
            this.threads.execute(reader);
            return true;
        }
        catch (RejectedExecutionException | OutOfMemoryError ex) {
            logger.debug("Could not start a FUSE reader thread: {}", ex.toString());
            clone.close();
            this.readers.remove(reader);
            return false;
        }
    }

    /** From the watch: when the mount had no request for {@link #IDLE_NANOS}, calls its readers back. */
    void releaseIfIdle(long now) {
        if (!this.releasing) {
            if (this.count.get() == 0 || now - this.lastRequest < IDLE_NANOS) {
                return;
            }
            this.releasing = true;
        }
        // sent again on every tick until each is gone: one may have been between its check and its read
        for (Reader reader : this.readers) {
            if (reader.reading) {
                ThreadWakeup.wake(reader.tid);
            }
        }
    }

    private void serve(Reader reader) {
        Thread thread = Thread.currentThread();
        String idleName = thread.getName();
        thread.setName(this.handle.threadName());
        reader.tid = ThreadWakeup.currentThreadId();
        ServingSession.Buffer buffer = this.session.buffer();
        try {
            while (serveNext(reader, buffer)) {
                // one request per call: the loop of a thread that runs once stays interpreted, a method
                // called per request is compiled after its first few hundred requests
            }
        }
        catch (Throwable ex) {
            logger.error("A FUSE reader thread failed", ex);
        }
        finally {
            if (reader.countedIdle) {
                this.idle.decrementAndGet(); // ended before its first read
            }
            reader.reading = false;
            reader.device.close();
            thread.setName(idleName);
            this.readers.remove(reader);
            readerEnded();
        }
    }

    /** Reads and runs one request; false when the reader is done (released, or the mount ended). */
    private boolean serveNext(Reader reader, ServingSession.Buffer buffer) {
        reader.reading = true; // before releasing is read: the watch, which sets it first, then sees this
        if (this.releasing) {
            return false;
        }
        if (reader.countedIdle) {
            reader.countedIdle = false; // counted when it was started
        }
        else {
            this.idle.incrementAndGet();
        }
        int length = this.session.receive(buffer, reader.device);
        int stillIdle = this.idle.decrementAndGet();
        reader.reading = false;
        if (length < 0) {
            int errno = -length;
            if (errno == Errno.EINTR || errno == Errno.EAGAIN || errno == Errno.ENOENT) {
                return true;
            }
            this.owner.ended((errno == Errno.ENODEV || errno == Errno.ECONNABORTED) ? 0 : errno);
            return false;
        }
        this.lastRequest = System.nanoTime();
        if (stillIdle == 0 && !this.releasing && reserve()) {
            addReader(); // as libfuse's loop: nobody is left waiting for the next request
        }
        run(buffer, length, reader.device);
        return true;
    }

    private boolean reserve() {
        int now;
        do {
            now = this.count.get();
            if (now >= this.cap) {
                return false;
            }
        }
        while (!this.count.compareAndSet(now, now + 1));
        return true;
    }

    /** Starts a reader on a slot {@link #reserve()} took, counted as waiting until its first read. */
    private void addReader() {
        FuseDevice clone;
        try {
            clone = this.session.openReader();
        }
        catch (NativeCallException ex) {
            logger.debug("No further FUSE reader: {}", ex.getMessage());
            this.count.decrementAndGet(); // a reader is running: this is not the last
            return;
        }
        this.idle.incrementAndGet();
        if (!launch(clone, true)) {
            this.idle.decrementAndGet();
            readerEnded();
        }
    }

    private void run(ServingSession.Buffer buffer, int length, FuseDevice device) {
        boolean ordered = this.session.isOrdered(buffer);
        if (ordered) {
            this.orderedRunning.incrementAndGet();
        }
        else if (this.orderedRunning.get() > 0) {
            awaitOrdered();
        }
        this.handle.requestStarted();
        try {
            this.session.process(buffer, length, device);
        }
        finally {
            if (ordered && this.orderedRunning.decrementAndGet() == 0) {
                synchronized (this) {
                    notifyAll();
                }
            }
            this.handle.requestDone();
        }
    }

    /** Waits (bounded) until no RELEASE read before this request runs any more. */
    private synchronized void awaitOrdered() {
        long deadline = System.nanoTime() + ORDER_WAIT_NANOS;
        long left;
        while (this.orderedRunning.get() > 0 && (left = deadline - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void readerEnded() {
        try {
            if (this.count.decrementAndGet() == 0) {
                this.owner.readersGone();
            }
        }
        finally {
            this.handle.requestDone();
        }
    }

    /** One reader thread: its clone descriptor, its kernel thread id, and whether it waits in read. */
    private final class Reader implements Runnable {

        final FuseDevice device;

        volatile int tid;

        volatile boolean reading;

        /** Counted in {@code idle} by whoever started it, until its first read (only its thread reads this after). */
        boolean countedIdle;

        Reader(FuseDevice device, boolean countedIdle) {
            this.device = device;
            this.countedIdle = countedIdle;
        }

        @Override
        public void run() {
            serve(this);
        }

    }

}
