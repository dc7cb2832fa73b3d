// What the reactor tells a mount's handle about serving it: requests begun and done, INIT, the end.
package io.github.fusespringboot.mount.serve;

/**
 * The mount's side of being served by the {@link Reactor}: the handle counts a registration as one
 * unit of serving and every request in flight as another, and knows serving ended when the count
 * reaches zero (as it knows it for its own serving threads). Called from pool threads; must not block.
 */
public interface ServingHandle {

    /** Name a pool thread takes while it runs a request of this mount left stuck ({@code fuse:<mount>}). */
    String threadName();

    /** A request was read; {@link #requestDone()} follows once it was processed. */
    void requestStarted();

    /** The request just processed, on this thread, was the kernel's INIT. */
    void initProcessed();

    /** The request begun with {@link #requestStarted()} was processed (answered or dropped). */
    void requestDone();

    /**
     * The descriptor is no longer watched and will not be read again: {@code errno} 0 after an
     * unmount or abort (ENODEV, ECONNABORTED), otherwise the error that stopped the reading.
     */
    void ended(int errno);

}
