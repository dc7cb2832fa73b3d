// Records what happened to which mount, and when, from any thread.
package io.github.fusespringboot.context;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Events from filesystems and listeners, with {@link System#nanoTime()} stamps, for order and overlap checks. */
final class Timeline {

    private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();

    void record(String mount, String what) {
        this.events.add(new Event(mount, what, System.nanoTime()));
    }

    List<Event> events() {
        return List.copyOf(this.events);
    }

    /** When {@code what} happened to {@code mount}; fails when it did not happen exactly once. */
    long at(String mount, String what) {
        List<Event> matching = this.events.stream()
            .filter((event) -> event.mount().equals(mount) && event.what().equals(what))
            .toList();
        if (matching.size() != 1) {
            throw new AssertionError("expected one '" + what + "' of " + mount + " but the timeline is " + events());
        }
        return matching.get(0).nanos();
    }

    boolean happened(String mount, String what) {
        return this.events.stream().anyMatch((event) -> event.mount().equals(mount) && event.what().equals(what));
    }

    record Event(String mount, String what, long nanos) {

    }

}
