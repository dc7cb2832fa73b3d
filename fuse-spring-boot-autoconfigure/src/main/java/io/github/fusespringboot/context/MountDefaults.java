// Settings every declared mount gets unless its annotation or its properties say otherwise.
package io.github.fusespringboot.context;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.github.fusespringboot.mount.MountSpec;
import ru.serce.jnrfuse.FuseFS;

/**
 * What applies to every {@code @FuseFilesystem} mount: options put before the mount's own, threading
 * and the engine's timeouts. Auto-configured as a bean from the {@code fuse.*} properties, so that
 * runtime mounts can start from the same settings with {@link #builder(String, Path, FuseFS)}.
 *
 * @param options FUSE options applied before each mount's own
 * @param multithreaded whether to serve each mount on several threads
 * @param maxThreads the most threads one mount is served on
 * @param mountTimeout how long one mount may take
 * @param unmountTimeout how long one unmount may take before its connection is aborted
 */
public record MountDefaults(List<String> options, boolean multithreaded, int maxThreads, Duration mountTimeout,
        Duration unmountTimeout) {

    public MountDefaults {
        options = List.copyOf(options);
    }

    /**
     * Starts a mount specification with these defaults applied; options added to the builder come
     * after the default options.
     */
    public MountSpec.Builder builder(String name, Path mountPoint, FuseFS filesystem) {
        return MountSpec.builder(name, mountPoint, filesystem)
            .options(this.options)
            .multithreaded(this.multithreaded)
            .maxThreads(this.maxThreads)
            .mountTimeout(this.mountTimeout)
            .unmountTimeout(this.unmountTimeout);
    }

}
