// A hello filesystem whose init and destroy are recorded and can be held until its group-mates arrive.
package io.github.fusespringboot.context;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jnr.ffi.Pointer;
import ru.serce.jnrfuse.examples.HelloFuse;

/**
 * Serves jnr-fuse's {@code /hello}. Its {@code init} (reached while mounting) and {@code destroy}
 * (reached while unmounting) record their start and end on a {@link Timeline}. With a rendezvous,
 * each waits (bounded) until every filesystem sharing it has arrived, so two mounts overlap only if the
 * engine really runs them at the same time.
 */
final class RecordingFilesystem extends HelloFuse {

    /** How long a rendezvous waits for the others by default; a wait that runs out is recorded. */
    static final Duration RENDEZVOUS_WAIT = Duration.ofSeconds(5);

    private final String name;

    private final Timeline timeline;

    private final CountDownLatch mountRendezvous;

    private final CountDownLatch unmountRendezvous;

    private final Duration wait;

    RecordingFilesystem(String name, Timeline timeline) {
        this(name, timeline, null, null, RENDEZVOUS_WAIT);
    }

    RecordingFilesystem(String name, Timeline timeline, CountDownLatch mountRendezvous,
            CountDownLatch unmountRendezvous) {
        this(name, timeline, mountRendezvous, unmountRendezvous, RENDEZVOUS_WAIT);
    }

    RecordingFilesystem(String name, Timeline timeline, CountDownLatch mountRendezvous,
            CountDownLatch unmountRendezvous, Duration wait) {
        this.name = name;
        this.timeline = timeline;
        this.mountRendezvous = mountRendezvous;
        this.unmountRendezvous = unmountRendezvous;
        this.wait = wait;
    }

    @Override
    public Pointer init(Pointer conn) {
        this.timeline.record(this.name, "mount-start");
        meet(this.mountRendezvous, "mount");
        this.timeline.record(this.name, "mount-end");
        return null;
    }

    @Override
    public void destroy(Pointer initResult) {
        this.timeline.record(this.name, "unmount-start");
        meet(this.unmountRendezvous, "unmount");
        this.timeline.record(this.name, "unmount-end");
    }

    private void meet(CountDownLatch rendezvous, String what) {
        if (rendezvous == null) {
            return;
        }
        rendezvous.countDown();
        try {
            if (!rendezvous.await(this.wait.toNanos(), TimeUnit.NANOSECONDS)) {
                this.timeline.record(this.name, what + "-alone");
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

}
