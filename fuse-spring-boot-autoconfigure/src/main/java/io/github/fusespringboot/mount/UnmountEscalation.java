// Which rungs of the unmount escalation are allowed.
package io.github.fusespringboot.mount;

/**
 * The rungs after a plain {@code umount2}: retrying while the mount is busy (for half the unmount
 * timeout, with backoff), detaching it lazily ({@code MNT_DETACH}), and aborting its FUSE connection
 * through fusectl when the timeout is spent. With a rung switched off the escalation skips it; with
 * all off, a busy mount fails to unmount at once and a stuck one is waited for until the timeout.
 */
public record UnmountEscalation(boolean retryWhileBusy, boolean lazyDetach, boolean abortConnection) {

    /** Every rung on (the default). */
    public static final UnmountEscalation ALL = new UnmountEscalation(true, true, true);

}
