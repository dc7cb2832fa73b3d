// How the kernel mount is made: directly with mount(2), through the set-uid fusermount3 helper, or direct with a fallback.
package io.github.fusespringboot.mount;

/**
 * How a filesystem gets mounted. Spring: {@code fuse.mount-strategy} (all mounts) and
 * {@code fuse.mounts.<name>.mount-strategy} (one mount), with the values {@code direct},
 * {@code fusermount} and {@code direct-then-fusermount}.
 */
public enum MountStrategy {

    /**
     * {@code mount(2)} on a {@code /dev/fuse} descriptor the engine opens itself. Needs root or
     * {@code CAP_SYS_ADMIN}; when that is missing the mount fails with an error that says so. Never
     * falls back to a helper. The default.
     */
    DIRECT,

    /**
     * Always through the set-uid {@code fusermount3} helper (or {@code fusermount} when there is no
     * {@code fusermount3}), which mounts on behalf of a normal user and hands the {@code /dev/fuse}
     * descriptor back over a socket. Unmounts go through it too ({@code fusermount3 -u}).
     */
    FUSERMOUNT,

    /**
     * {@link #DIRECT} first; when the kernel refuses it for lack of privilege ({@code EACCES} opening
     * {@code /dev/fuse}, {@code EPERM} from {@code mount(2)}), {@link #FUSERMOUNT}, with a warning naming
     * the errno every time. Any other direct failure is reported as it is.
     */
    DIRECT_THEN_FUSERMOUNT

}
