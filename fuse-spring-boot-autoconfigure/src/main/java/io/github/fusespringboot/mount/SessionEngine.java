// Which session serves a mount's requests: libfuse2's (the default) or the engine's own protocol session.
package io.github.fusespringboot.mount;

import java.util.Locale;

/**
 * The engine behind a mount's session. The kernel mount (direct or through the helper), threads and
 * unmount escalation are the same for both; only what reads and answers requests differs.
 */
public enum SessionEngine {

    /** libfuse2's high-level session ({@code fuse_new}, {@code fuse_session_process}); needs libfuse.so.2. */
    LIBFUSE,

    /**
     * The engine's own implementation of the kernel protocol (7.38): no libfuse on the request path,
     * 1 MiB requests, the caller's context in {@code getContext()} of {@code ManagedFuseStubFS} and of
     * jnr-fuse's {@code FuseStubFS}. New; opt-in (Spring property {@code fuse.engine=protocol}).
     */
    PROTOCOL;

    /**
     * The system property that chooses the default engine: {@code fuse.engine=protocol|libfuse}. In a
     * Spring application it is also the Spring property {@code fuse.engine} (system properties are a
     * property source), which {@code fuse.mounts.<name>.engine} overrides per mount.
     */
    public static final String PROPERTY = "fuse.engine";

    /**
     * The engine named by the system property {@value #PROPERTY}, or {@link #LIBFUSE}.
     * @throws IllegalArgumentException naming the property when its value is neither engine
     */
    public static SessionEngine fromSystemProperty() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            return LIBFUSE;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
        catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + value + " is not an engine: use 'libfuse' or "
                    + "'protocol'", ex);
        }
    }

}
