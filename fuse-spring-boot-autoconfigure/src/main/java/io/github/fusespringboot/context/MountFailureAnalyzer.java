// Turns mount failures and misused @FuseFilesystem declarations into Boot's "APPLICATION FAILED TO START" report.
package io.github.fusespringboot.context;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.FuseMountException;
import io.github.fusespringboot.mount.MountPhase;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Describes a failed startup caused by {@link MountsFailedException}, {@link MountDeclarationException}
 * or a single {@link FuseMountException}: which mount, which directory, what went wrong, and what to do
 * (the engine's advice, grouped so that one cause is explained once).
 */
public class MountFailureAnalyzer implements FailureAnalyzer {

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof MountsFailedException mountsFailed) {
                return analyze(mountsFailed.failures(), mountsFailed.notAttempted(), cause);
            }
            if (cause instanceof MountDeclarationException declaration) {
                return new FailureAnalysis(declaration.getMessage(), declaration.action(), declaration);
            }
            if (cause instanceof FuseMountException mountFailed) {
                return analyze(List.of(mountFailed), List.of(), cause);
            }
        }
        return null;
    }

    private FailureAnalysis analyze(List<FuseMountException> failures, List<String> notAttempted, Throwable cause) {
        StringBuilder description = new StringBuilder();
        description.append((failures.size() == 1) ? "A FUSE mount failed:" : failures.size() + " FUSE mounts failed:");
        Map<String, List<String>> actions = new LinkedHashMap<>();
        for (FuseMountException failure : failures) {
            description.append("\n\n    ").append(problem(failure));
            actions.computeIfAbsent(action(failure), (key) -> new ArrayList<>()).add("'" + failure.mountName() + "'");
        }
        if (!notAttempted.isEmpty()) {
            description.append("\n\nMounts of a later order were not attempted: ").append(String.join(", ", notAttempted));
        }
        StringBuilder action = new StringBuilder();
        for (Map.Entry<String, List<String>> entry : actions.entrySet()) {
            if (action.length() > 0) {
                action.append("\n\n");
            }
            if (actions.size() > 1) {
                action.append("For ").append(String.join(", ", entry.getValue())).append(": ");
            }
            action.append(entry.getKey());
        }
        return new FailureAnalysis(description.toString(), action.toString(), cause);
    }

    /** The exception's message without the advice at its end (the action shows it). */
    private static String problem(FuseMountException failure) {
        String message = failure.getMessage();
        String action = failure.action();
        if (action != null && !action.isEmpty() && message.endsWith(". " + action)) {
            return message.substring(0, message.length() - action.length() - 2);
        }
        return message;
    }

    /**
     * The engine's own advice when it gave one (it knows the strategy, the phase and the way out);
     * otherwise advice by errno and phase.
     */
    static String action(FuseMountException failure) {
        if (failure.action() != null && !failure.action().isEmpty()) {
            String action = failure.action();
            return action.endsWith(".") ? action : action + ".";
        }
        String errno = failure.errnoName();
        MountPhase phase = failure.phase();
        if ("EPERM".equals(errno) || ("EACCES".equals(errno) && phase == MountPhase.OPEN_DEVICE)) {
            return FuseMount.PRIVILEGE_ADVICE + ".";
        }
        if (phase == MountPhase.OPEN_DEVICE && "ENOENT".equals(errno)) {
            return "/dev/fuse is missing: load the fuse kernel module (modprobe fuse), or pass the device to the "
                    + "container (--device /dev/fuse).";
        }
        if ("ENODEV".equals(errno) || "ENXIO".equals(errno)) {
            return "The kernel has no FUSE support loaded: load the fuse kernel module (modprobe fuse), or pass "
                    + "the device to the container (--device /dev/fuse).";
        }
        if (phase == MountPhase.VALIDATE) {
            return "Fix the mount point " + failure.mountPoint() + " of mount '" + failure.mountName()
                    + "' as described above.";
        }
        return "See the cause above; set logging.level.io.github.fusespringboot=debug for details.";
    }

}
