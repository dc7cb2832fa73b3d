// Hears about mounts and unmounts, e.g. to time them (metrics) or to log them.
package io.github.fusespringboot.mount;

import java.time.Duration;

/** Notified by the {@link MountManager} after each mount and unmount. Must be quick and must not throw. */
public interface MountListener {

    /** A mount is up and answering. */
    default void mounted(FuseMount mount, Duration took) {
    }

    /** A mount failed; nothing of it is left. */
    default void mountFailed(MountSpec spec, FuseMountException error, Duration took) {
    }

    /** A mount was unmounted. */
    default void unmounted(FuseMount mount, Duration took) {
    }

    /** Unmounting failed or had to abort the connection. */
    default void unmountFailed(FuseMount mount, FuseMountException error, Duration took) {
    }

    /** A filesystem operation completed (only when operation timing is enabled on the manager). */
    default void operation(FuseMount mount, String operation, long nanos, boolean failed) {
    }

}
