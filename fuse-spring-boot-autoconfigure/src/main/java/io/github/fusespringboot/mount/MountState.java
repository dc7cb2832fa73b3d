// The states a mount goes through.
package io.github.fusespringboot.mount;

/** Where a {@link FuseMount} is in its life: MOUNTING, then MOUNTED or FAILED, then UNMOUNTING, UNMOUNTED. */
public enum MountState {

    /** Being mounted; {@code mount} has not returned yet. */
    MOUNTING,

    /** Mounted and answering. */
    MOUNTED,

    /** Being unmounted. */
    UNMOUNTING,

    /** Unmounted; nothing of it is left. */
    UNMOUNTED,

    /** Mounting failed (nothing is left), or unmounting could not end the session (see the cause). */
    FAILED

}
