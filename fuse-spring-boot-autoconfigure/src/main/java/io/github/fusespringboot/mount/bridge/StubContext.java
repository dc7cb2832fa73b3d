// Makes jnr-fuse's own FuseStubFS.getContext() answer the engine's caller instead of libfuse2.
package io.github.fusespringboot.mount.bridge;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.serce.jnrfuse.AbstractFuseFS;
import ru.serce.jnrfuse.LibFuse;
import ru.serce.jnrfuse.struct.FuseContext;

/**
 * jnr-fuse's {@code AbstractFuseFS.getContext()} (inherited by every {@code FuseStubFS}) returns
 * {@code libFuse.fuse_get_context()}: libfuse2's per-thread context, which only libfuse2's own
 * session fills in (jnr-fuse's own {@code mount()}). On the engine's threads it would be an empty
 * context (uid 0: root) or another thread-specific value of the process. So before the engine serves
 * such a filesystem, its {@code libFuse} field is replaced with a view of the same binding whose
 * {@code fuse_get_context()} answers the engine's caller ({@link CallerContext}) inside an engine
 * request and is libfuse's own everywhere else. Every other call goes to libfuse unchanged.
 */
final class StubContext {

    private static final Logger logger = LoggerFactory.getLogger(StubContext.class);

    private static final Set<Class<?>> warned = ConcurrentHashMap.newKeySet();

    private StubContext() {
    }

    /**
     * Installs the view on {@code filesystem} when it is an {@link AbstractFuseFS} (idempotent). Where
     * jnr-fuse's field cannot be replaced (another jnr-fuse version, a JVM that forbids it), logs once
     * per class that its {@code getContext()} is not the caller's and names the way out.
     */
    static void install(Object filesystem) {
        if (!(filesystem instanceof AbstractFuseFS)) {
            return;
        }
        try {
            Field field = AbstractFuseFS.class.getDeclaredField("libFuse");
            field.setAccessible(true);
            LibFuse current = (LibFuse) field.get(filesystem);
            if (current == null || Proxy.isProxyClass(current.getClass())
                    && Proxy.getInvocationHandler(current) instanceof CallerFirst) {
                return;
            }
            field.set(filesystem, Proxy.newProxyInstance(LibFuse.class.getClassLoader(), new Class<?>[] { LibFuse.class },
                    new CallerFirst(current)));
        }
        catch (ReflectiveOperationException | RuntimeException ex) {
            if (warned.add(filesystem.getClass())) {
                logger.warn("{} extends jnr-fuse's AbstractFuseFS, whose getContext() asks libfuse2 and cannot be "
                        + "redirected here ({}): it does not return the caller's uid, gid and pid. Extend io.github.fusespringboot.mount.ManagedFuseStubFS instead of FuseStubFS",
                        filesystem.getClass().getName(), ex.toString());
            }
        }
    }

    /** {@code fuse_get_context()} from the engine's request when there is one; the rest to libfuse. */
    private record CallerFirst(LibFuse libfuse) implements InvocationHandler {

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getName().equals("fuse_get_context") && method.getParameterCount() == 0) {
                FuseContext caller = CallerContext.current();
                if (caller != null) {
                    return caller;
                }
            }
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "caller-first view of " + this.libfuse;
                };
            }
            try {
                return method.invoke(this.libfuse, args);
            }
            catch (InvocationTargetException ex) {
                throw ex.getCause();
            }
        }

    }

}
