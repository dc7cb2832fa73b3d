// Turns "libfuse.so.2 could not be loaded" while creating a filesystem bean into Boot's startup report.
package io.github.fusespringboot.context;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.Locale;

import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.ManagedFuseStubFS;

import org.springframework.beans.BeanInstantiationException;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Describes a startup that failed because libfuse 2 could not be loaded while a bean was created:
 * jnr-fuse's {@code AbstractFuseFS} constructor (so every {@code new} of a {@code FuseStubFS}) loads
 * {@code libfuse.so.2} and throws {@link UnsatisfiedLinkError} when it is missing. Names the library,
 * the bean and where it is defined, the package to install per distribution, and what extending
 * {@link ManagedFuseStubFS} instead buys (the bean can be created; mounting still needs the library,
 * which the engine loads for every mount: that failure is {@link MountFailureAnalyzer}'s).
 */
public class MissingLibfuseFailureAnalyzer extends AbstractFailureAnalyzer<UnsatisfiedLinkError> {

    private static final String JNR_FUSE_PACKAGE = "ru.serce.jnrfuse.";

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
                    + "libfuse.so.2 for its own mount() and fails without it.");
        }
        return new FailureAnalysis(description.toString(), action(bean), cause);
    }

    private static String action(String bean) {
        return FuseMount.LIBFUSE2_ADVICE + ".\n\nThe starter mounts every filesystem through libfuse 2 as well, so "
                + "installing it is what makes mounting work. To create " + ((bean != null) ? "the bean " + bean
                        : "the filesystem")
                + " without the library (to start with fuse.enabled=false, or to test its methods without mounting), "
                + "extend " + ManagedFuseStubFS.class.getName() + " instead of jnr-fuse's FuseStubFS: same methods, "
                + "same jnr-fuse types, and its constructor loads no native library. Mounting it needs "
                + "libfuse.so.2 only on the libfuse engine; to mount it without any libfuse, "
                + FuseMount.PROTOCOL_ENGINE_ADVICE + ".";
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
