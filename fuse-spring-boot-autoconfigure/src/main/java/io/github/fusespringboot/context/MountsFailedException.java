// Startup failed because declared mounts failed; lists every one of them with its cause.
package io.github.fusespringboot.context;

import java.util.List;

import io.github.fusespringboot.mount.FuseMountException;

/**
 * Thrown from {@link FuseLifecycle#start()} when {@code fuse.fail-fast} is on and a declared mount
 * failed. Whatever had been mounted is unmounted again before it is thrown.
 */
public class MountsFailedException extends RuntimeException {

    private final List<FuseMountException> failures;

    private final List<String> notAttempted;

    public MountsFailedException(List<FuseMountException> failures, List<String> notAttempted) {
        super(message(failures, notAttempted), failures.isEmpty() ? null : failures.get(0));
        this.failures = List.copyOf(failures);
        this.notAttempted = List.copyOf(notAttempted);
        for (int i = 1; i < failures.size(); i++) {
            addSuppressed(failures.get(i));
        }
    }

    private static String message(List<FuseMountException> failures, List<String> notAttempted) {
        StringBuilder message = new StringBuilder();
        message.append(failures.size()).append((failures.size() == 1) ? " FUSE mount" : " FUSE mounts")
            .append(" failed (mounts already made were unmounted again):");
        for (FuseMountException failure : failures) {
            message.append("\n - ").append(failure.getMessage());
        }
        if (!notAttempted.isEmpty()) {
            message.append("\nNot attempted (later order): ").append(String.join(", ", notAttempted));
        }
        return message.toString();
    }

    /** Every mount that failed, with its cause. */
    public List<FuseMountException> failures() {
        return this.failures;
    }

    /** The names of the mounts of later order that were not attempted. */
    public List<String> notAttempted() {
        return this.notAttempted;
    }

}
