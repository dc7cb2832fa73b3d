// Settings every declared mount gets unless its annotation or its properties say otherwise.
package io.github.fusespringboot.context;

import java.time.Duration;
import java.util.List;

/**
 * What applies to every {@code @FuseFilesystem} mount: options put before the mount's own, threading
 * and the engine's timeouts.
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

}
