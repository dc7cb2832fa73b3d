// Turns "libfuse.so.2 could not be loaded" while creating a filesystem bean into Boot's startup report.
package io.github.fusespringboot.context;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.Locale;

import io.github.fusespringboot.mount.ManagedFuseStubFS;

import org.springframework.beans.BeanInstantiationException;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Describes a startup that failed because libfuse 2 could not be loaded while a bean was created:
 * jnr-fuse's {@code AbstractFuseFS} constructor (so every {@code new} of a {@code FuseStubFS}) loads
 * {@code libfuse.so.2} and throws {@link UnsatisfiedLinkError} when it is missing. The engine itself
 * loads no libfuse. Names the library, the bean and where it is defined, and both ways out: the
 * package to install per distribution, or extending {@link ManagedFuseStubFS} instead, which needs
 * no libfuse at all.
 */
public class MissingLibfuseFailureAnalyzer extends AbstractFailureAnalyzer<UnsatisfiedLinkError> {

    private static final String JNR_FUSE_PACKAGE = "ru.serce.jnrfuse.";

    /** Where libfuse 2.9 comes from; fuse3's library ({@code libfuse3.so.3}) is not a substitute. */
    static final String PACKAGES = "install libfuse 2.9, which provides libfuse.so.2 (fuse3's libfuse3.so.3 does "
            + "not): Debian 12 and Ubuntu up to 23.10: apt-get install libfuse2; Debian 13 and Ubuntu 24.04 or "
            + "later: apt-get install libfuse2t64; Fedora, RHEL, CentOS: dnf install fuse-libs; Alpine: apk add fuse";

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, UnsatisfiedLinkError cause) {
        if (!isAboutLibfuse(cause)) {
            return null;
        }
        BeanCreationException creation = innermost(rootFailure, BeanCreationException.class);
        BeanInstantiationException instantiation = findCause(rootFailure, BeanInstantiationException.class);
        String bean = (creation != null && creation.getBeanName() != null) ? "'" + creation.getBeanName() + "'" : null;
        String type = typeOf(instantiation);
        StringBuilder description = new StringBuilder("libfuse 2 (libfuse.so.2) could not be loaded");
        if (bean != null) {
            description.append(" while creating the bean ").append(bean);
            if (type != null) {
                description.append(" (").append(type).append(")");
            }
            if (creation.getResourceDescription() != null) {
                description.append(", defined in ").append(creation.getResourceDescription());
            }
        }
        description.append(":\n\n    ").append(String.valueOf(cause.getMessage()).replace("\n", "\n    "));
        if (thrownByJnrFuse(cause)) {
            description.append("\n\njnr-fuse's AbstractFuseFS constructor, which every FuseStubFS runs, loads "
                    + "libfuse.so.2 for its own mount() and fails without it. The starter's engine needs no libfuse.");
        }
        return new FailureAnalysis(description.toString(), action(bean), cause);
    }

    private static String action(String bean) {
        String subject = (bean != null) ? "the bean " + bean : "the filesystem";
        return "Either extend " + ManagedFuseStubFS.class.getName() + " instead of jnr-fuse's FuseStubFS for "
                + subject + ": same methods, same jnr-fuse types, and neither it nor the engine that mounts it "
                + "loads any libfuse, so it mounts where libfuse2 is not installed.\n\nOr keep FuseStubFS and "
                + PACKAGES + ".";
    }

    private static boolean isAboutLibfuse(UnsatisfiedLinkError error) {
        String message = error.getMessage();
        return (message != null && message.toLowerCase(Locale.ROOT).contains("fuse"))
                || thrownByJnrFuse(error);
    }

    private static boolean thrownByJnrFuse(UnsatisfiedLinkError error) {
        for (StackTraceElement frame : error.getStackTrace()) {
            if (frame.getClassName().startsWith(JNR_FUSE_PACKAGE)) {
                return true;
            }
        }
        return false;
    }

    /** The bean's type as declared: the factory method's return type, or the constructed class. */
    private static String typeOf(BeanInstantiationException instantiation) {
        if (instantiation == null) {
            return null;
        }
        Method method = instantiation.getConstructingMethod();
        if (method != null) {
            return method.getReturnType().getName() + " from " + method.getDeclaringClass().getSimpleName() + "."
                    + method.getName() + "()";
        }
        Constructor<?> constructor = instantiation.getConstructor();
        return (constructor != null) ? constructor.getDeclaringClass().getName()
                : instantiation.getBeanClass().getName();
    }

    /** The cause of that type nearest to the error: the bean that failed, not the beans that needed it. */
    private static <E extends Throwable> E innermost(Throwable failure, Class<E> type) {
        E found = null;
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                found = type.cast(cause);
            }
        }
        return found;
    }

}
