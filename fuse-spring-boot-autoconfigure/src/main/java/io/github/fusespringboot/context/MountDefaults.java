// Settings every declared mount gets unless its annotation or its properties say otherwise.
package io.github.fusespringboot.context;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.github.fusespringboot.mount.MountSpec;
import io.github.fusespringboot.mount.MountStrategy;
import io.github.fusespringboot.mount.StaleMountPolicy;
import io.github.fusespringboot.mount.UnmountEscalation;
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
 * @param staleMountPolicy what to do with a dead FUSE mount found on a mount point
 * @param unmountEscalation which rungs of the unmount escalation may be used
 * @param allowSystemDirectories whether mount points may be system directories such as /usr
 * @param mountStrategy how mounts are made: mount(2), the fusermount3 helper, or direct with fallback
 */
public record MountDefaults(List<String> options, boolean multithreaded, int maxThreads, Duration mountTimeout,
        Duration unmountTimeout, StaleMountPolicy staleMountPolicy, UnmountEscalation unmountEscalation,
        boolean allowSystemDirectories, MountStrategy mountStrategy) {

    public MountDefaults {
        options = List.copyOf(options);
    }

    /** The engine's defaults for what the properties do not set. */
    public MountDefaults(List<String> options, boolean multithreaded, int maxThreads, Duration mountTimeout,
            Duration unmountTimeout) {
        this(options, multithreaded, maxThreads, mountTimeout, unmountTimeout, StaleMountPolicy.CLEAN_OURS,
                UnmountEscalation.ALL, false, MountStrategy.DIRECT);
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
            .unmountTimeout(this.unmountTimeout)
            .staleMountPolicy(this.staleMountPolicy)
            .unmountEscalation(this.unmountEscalation)
            .allowSystemDirectory(this.allowSystemDirectories)
            .mountStrategy(this.mountStrategy);
    }

}
