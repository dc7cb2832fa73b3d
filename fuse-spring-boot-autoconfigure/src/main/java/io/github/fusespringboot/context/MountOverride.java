// Configuration for one declared mount that wins over its annotation.
package io.github.fusespringboot.context;

import java.util.List;

import io.github.fusespringboot.mount.MountStrategy;

/**
 * Per-mount settings from configuration ({@code fuse.mounts.<name>.*}); a {@code null} component is
 * not set and leaves the annotation's value.
 *
 * @param mountPoint the directory to mount on, or {@code null}
 * @param enabled whether to mount it at all
 * @param readOnly whether to mount it read-only, or {@code null}
 * @param options FUSE options replacing the annotation's, or {@code null}
 * @param order the mount's order, or {@code null}
 * @param mountStrategy how to mount it, or {@code null} for {@code fuse.mount-strategy}
 */
public record MountOverride(String mountPoint, boolean enabled, Boolean readOnly, List<String> options,
        Integer order, MountStrategy mountStrategy) {

    public MountOverride {
        options = (options != null) ? List.copyOf(options) : null;
    }

    public MountOverride(String mountPoint, boolean enabled, Boolean readOnly, List<String> options, Integer order) {
        this(mountPoint, enabled, readOnly, options, order, null);
    }

}
