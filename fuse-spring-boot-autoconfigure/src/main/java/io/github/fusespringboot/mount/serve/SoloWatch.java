// The one thread that shares out a mount served alone for too long, and calls idle mounts' own readers back.
package io.github.fusespringboot.mount.serve;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import io.github.fusespringboot.mount.natives.EventPoll;
import io.github.fusespringboot.mount.natives.ThreadWakeup;
import jnr.ffi.Pointer;

/**
 * While a pool thread serves a mount alone ({@link Registration}: its descriptor left out of epoll
 * so that the caller's next request comes back to that thread, with no other thread woken), this
 * watch makes sure the mount's other requests do not wait behind a slow callback: every
 * {@link #TICK_NANOS} it gives each mount served alone for longer than {@link #SOLO_LIMIT_NANOS} back
 * to epoll. It also calls the readers of mounts with {@link DedicatedReaders} back once the mount
 * is idle, every {@link #READERS_TICK_NANOS} while no mount is served alone. It ticks only while
 * some mount is served alone or has readers, and parks (no wake-ups at all) after a second without
 * either; the first such mount after that wakes it.
 */
final class SoloWatch {

    /** A request served alone longer than this lets the pool's other threads read the mount again. */
    static final long SOLO_LIMIT_NANOS = TimeUnit.MICROSECONDS.toNanos(1000);

    static final long TICK_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

    /** The tick while mounts have dedicated readers and none is served alone. */
    static final long READERS_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Name of the watch's thread. */
    static final String THREAD_NAME = "fuse-solo-watch";

    private final AtomicInteger solo = new AtomicInteger();

    private final AtomicInteger dedicated = new AtomicInteger();

    private final Supplier<Registration[]> registrations;

    /** The {@code struct epoll_event} the watch's thread re-arms (or, failing that, removes) descriptors with. */
    private final Pointer scratch = EventPoll.event();

    private volatile Thread thread;

    private volatile boolean parked;

    SoloWatch(Supplier<Registration[]> registrations) {
        this.registrations = registrations;
    }

    /** A mount is now served alone. */
    void started() {
        this.solo.incrementAndGet();
        wake();
    }

    /** How many mounts are served alone now. */
    int servedAlone() {
        return this.solo.get();
    }

    /** A mount is no longer served alone. */
    void ended() {
        this.solo.decrementAndGet();
    }

    /** A mount is now served by {@link DedicatedReaders}, which the watch calls back once it is idle. */
    void dedicatedStarted() {
        this.dedicated.incrementAndGet();
        wake();
    }

    /** Makes sure the watch ticks: starts its thread the first time, unparks it after an idle second. */
    private void wake() {
        Thread watcher = this.thread;
        if (watcher == null) {
            start();
        }
        else if (this.parked) {
            LockSupport.unpark(watcher);
        }
    }

    /** How many mounts have dedicated readers now. */
    int dedicatedMounts() {
        return this.dedicated.get();
    }

    /** A mount's dedicated readers are gone. */
    void dedicatedEnded() {
        this.dedicated.decrementAndGet();
    }

    private synchronized void start() {
        if (this.thread == null) {
            Thread watcher = new Thread(this::watch, THREAD_NAME);
            watcher.setDaemon(true);
            this.thread = watcher;
            watcher.start();
        }
    }

    private void watch() {
        if (Registration.DEDICATED_READERS) {
            // the signal check loads a libc binding (13 ms in a fresh JVM): here, not on the serving
            // thread of the first busy mount, whose next request would wait for it
            ThreadWakeup.available();
        }
        long idleSince = System.nanoTime();
        while (true) {
            boolean solos = this.solo.get() > 0;
            if (solos || this.dedicated.get() > 0) {
                idleSince = System.nanoTime();
            }
            else if (System.nanoTime() - idleSince > IDLE_NANOS) {
                this.parked = true;
                if (this.solo.get() == 0 && this.dedicated.get() == 0) {
                    LockSupport.park(this);
                }
                this.parked = false;
                idleSince = System.nanoTime();
                continue;
            }
            LockSupport.parkNanos(this, solos ? TICK_NANOS : READERS_TICK_NANOS);
            long now = System.nanoTime();
            for (Registration registration : this.registrations.get()) {
                if (registration != null) {
                    registration.watch(now, this.scratch);
                }
            }
        }
    }

}
