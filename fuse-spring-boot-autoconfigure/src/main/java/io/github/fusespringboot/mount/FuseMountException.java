// The error of a failed mount or unmount: which mount, where, in which step, with which errno.
package io.github.fusespringboot.mount;

import java.nio.file.Path;

import io.github.fusespringboot.mount.natives.Errno;

/**
 * A mount or unmount that failed. The message names the mount, its mount point, the step, the errno
 * (when the kernel gave one) and what to do about it.
 */
public class FuseMountException extends RuntimeException {

    private final String mountName;

    private final Path mountPoint;

    private final MountPhase phase;

    private final int errno;

    private final String action;

    public FuseMountException(String mountName, Path mountPoint, MountPhase phase, int errno, String problem,
            String action, Throwable cause) {
        super(format(mountName, mountPoint, phase, errno, problem, action), cause);
        this.mountName = mountName;
        this.mountPoint = mountPoint;
        this.phase = phase;
        this.errno = errno;
        this.action = action;
    }

    private static String format(String name, Path mountPoint, MountPhase phase, int errno, String problem,
            String action) {
        StringBuilder message = new StringBuilder();
        message.append("FUSE mount '").append(name).append("' on ").append(mountPoint).append(" failed while ")
            .append(phase.description()).append(": ").append(problem);
        if (errno != 0 && !problem.contains(Errno.name(errno))) {
            message.append(" [").append(Errno.describe(errno)).append("]");
        }
        if (action != null && !action.isEmpty()) {
            message.append(". ").append(action);
        }
        return message.toString();
    }

    /** The mount's name. */
    public String mountName() {
        return this.mountName;
    }

    /** The directory it was to be mounted on. */
    public Path mountPoint() {
        return this.mountPoint;
    }

    /** The step that failed. */
    public MountPhase phase() {
        return this.phase;
    }

    /** The errno the kernel or libc reported, or 0. */
    public int errno() {
        return this.errno;
    }

    /** The symbolic errno name ({@code EPERM}), or {@code null} when there is none. */
    public String errnoName() {
        return (this.errno != 0) ? Errno.name(this.errno) : null;
    }

    /** What to do about it, or {@code null}. */
    public String action() {
        return this.action;
    }

}
