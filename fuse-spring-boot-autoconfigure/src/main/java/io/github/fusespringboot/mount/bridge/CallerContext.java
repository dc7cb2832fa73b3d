// getContext() for filesystems served by the engine: the caller of the request in progress.
package io.github.fusespringboot.mount.bridge;

import ru.serce.jnrfuse.struct.FuseContext;

/**
 * The {@code struct fuse_context} of the request the calling thread is serving (uid, gid, pid and,
 * for CREATE/MKNOD/MKDIR, umask of the caller), or null when the thread is not inside an engine
 * callback. Serving threads are shared by all mounts, so it is set for exactly the duration of one
 * request.
 */
public final class CallerContext {

    private static final ThreadLocal<Exchange> CURRENT = new ThreadLocal<>();

    private CallerContext() {
    }

    /** The calling thread's context, or null outside a protocol engine request. */
    public static FuseContext current() {
        Exchange exchange = CURRENT.get();
        if (exchange == null) {
            return null;
        }
        FuseContext context = exchange.context;
        if (!exchange.contextFilled) {
            // filled when first asked for, not per request: most callbacks never ask
            context.uid.set(exchange.header.uid);
            context.gid.set(exchange.header.gid);
            context.pid.set(exchange.header.pid);
            context.umask.set(exchange.umask);
            exchange.contextFilled = true;
        }
        return context;
    }

    /**
     * Whether the kernel interrupted the request the calling thread is serving (its caller got a
     * signal): the callback may stop and answer {@code -EINTR}, or finish normally. False outside a
     * protocol engine request.
     */
    public static boolean interrupted() {
        Exchange exchange = CURRENT.get();
        return exchange != null && exchange.interrupted;
    }

    static void enter(Exchange exchange) {
        exchange.contextFilled = false;
        CURRENT.set(exchange);
    }

    static void leave() {
        CURRENT.set(null); // the thread serves again soon: keep its entry (remove() would drop and re-add it)
    }

}
