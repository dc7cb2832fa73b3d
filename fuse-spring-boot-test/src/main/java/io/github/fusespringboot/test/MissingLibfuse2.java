// Recognises jnr-fuse's FuseStubFS failing to load libfuse2, so a test that needs it is skipped with the reason.
package io.github.fusespringboot.test;

import java.util.Locale;
import java.util.Optional;

/**
 * jnr-fuse's {@code AbstractFuseFS} constructor (so every {@code new} of a {@code FuseStubFS}) loads
 * {@code libfuse.so.2} and throws {@link UnsatisfiedLinkError} where it is missing. The engine and
 * {@code ManagedFuseStubFS} need no libfuse, so this is no reason to skip a class before it runs; a
 * test that constructs such a filesystem is skipped when it meets the error, with this reason.
 */
final class MissingLibfuse2 {

    private static final String JNR_FUSE_PACKAGE = "ru.serce.jnrfuse.";

    private MissingLibfuse2() {
    }

    /** The reason to skip when {@code failure} (or a cause) is jnr-fuse failing to load libfuse2. */
    static Optional<String> reason(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnsatisfiedLinkError error && isAboutLibfuse(error)) {
                return Optional.of("libfuse2 is missing, and jnr-fuse's FuseStubFS loads libfuse.so.2 in its "
                        + "constructor (" + error.getMessage() + "), so this test is skipped. Extend "
                        + "io.github.fusespringboot.mount.ManagedFuseStubFS instead, which needs no libfuse, or "
                        + "install libfuse 2.9 (Debian/Ubuntu: libfuse2, on newer releases libfuse2t64; "
                        + "Fedora/RHEL: fuse-libs; Alpine: fuse)");
            }
        }
        return Optional.empty();
    }

    private static boolean isAboutLibfuse(UnsatisfiedLinkError error) {
        for (StackTraceElement frame : error.getStackTrace()) {
            if (frame.getClassName().startsWith(JNR_FUSE_PACKAGE)) {
                return true;
            }
        }
        String message = error.getMessage();
        return message != null && message.toLowerCase(Locale.ROOT).contains("libfuse");
    }

}
