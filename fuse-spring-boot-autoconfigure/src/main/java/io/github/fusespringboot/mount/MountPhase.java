// The step of mounting or unmounting in which an error happened.
package io.github.fusespringboot.mount;

/** The step a {@link FuseMountException} comes from. */
public enum MountPhase {

    /** Checking the specification and the mount point. */
    VALIDATE("validating the mount"),

    /** Opening {@code /dev/fuse}. */
    OPEN_DEVICE("opening /dev/fuse"),

    /** Building the mount's protocol session (its options, its filesystem bridge). */
    SESSION("creating the FUSE session"),

    /** The {@code mount(2)} system call. */
    MOUNT("mount(2)"),

    /** Waiting for the kernel's INIT to be answered. */
    INIT("waiting for the filesystem to answer INIT"),

    /** Unmounting. */
    UNMOUNT("unmounting");

    private final String description;

    MountPhase(String description) {
        this.description = description;
    }

    public String description() {
        return this.description;
    }

}
