// The `fuse` actuator endpoint: every mount with its state; unmount and remount one by name.
package io.github.fusespringboot.actuate.endpoint;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

import io.github.fusespringboot.context.DeclaredMount;
import io.github.fusespringboot.context.FuseLifecycle;
import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.FuseMountException;
import io.github.fusespringboot.mount.MountManager;
import io.github.fusespringboot.mount.MountSpec;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@code /actuator/fuse}: every mount (declared with {@code @FuseFilesystem} or made at runtime) with
 * its mount point, state, since when, options, order and, for a failure, the cause;
 * {@code /actuator/fuse/{name}} for one. {@code DELETE /actuator/fuse/{name}} unmounts a mount and
 * {@code POST /actuator/fuse/{name}} mounts a declared one again; both are off unless the endpoint's
 * access is {@code unrestricted} ({@code management.endpoint.fuse.access=unrestricted}).
 */
@Endpoint(id = "fuse", defaultAccess = Access.READ_ONLY)
public class FuseEndpoint {

    private final FuseLifecycle lifecycle;

    private final MountManager manager;

    public FuseEndpoint(@Nullable FuseLifecycle lifecycle, MountManager manager) {
        this.lifecycle = lifecycle;
        this.manager = manager;
    }

    /** Every mount, by name. */
    @ReadOperation
    public MountsDescriptor mounts() {
        Map<String, MountDescriptor> mounts = new LinkedHashMap<>();
        for (DeclaredMount declared : declared()) {
            mounts.put(declared.name(), describe(declared));
        }
        for (FuseMount mount : this.manager.mounts()) {
            mounts.putIfAbsent(mount.name(), describe(mount, null, "runtime", null));
        }
        return new MountsDescriptor(mounts);
    }

    /** One mount, or 404. */
    @ReadOperation
    public @Nullable MountDescriptor mount(@Selector String name) {
        return mounts().mounts().get(name);
    }

    /** Unmounts one mount (a declared one stays listed, UNMOUNTED, and can be remounted). 404 if unknown. */
    @DeleteOperation
    public @Nullable MountDescriptor unmount(@Selector String name) {
        Optional<DeclaredMount> declared = find(name);
        if (declared.isPresent()) {
            this.lifecycle.unmount(name);
            return describe(declared.get());
        }
        Optional<FuseMount> runtime = this.manager.find(name);
        if (runtime.isEmpty()) {
            return null;
        }
        runtime.get().unmount();
        return describe(runtime.get(), null, "runtime", null);
    }

    /** Mounts a declared mount again. 404 if unknown; runtime mounts are remounted by the code that made them. */
    @WriteOperation
    public @Nullable MountDescriptor remount(@Selector String name) {
        Optional<DeclaredMount> declared = find(name);
        if (declared.isEmpty()) {
            return null;
        }
        try {
            this.lifecycle.remount(name);
        }
        catch (FuseMountException | IllegalStateException | NoSuchElementException ex) {
            // the descriptor carries the failure
        }
        return describe(declared.get());
    }

    private List<DeclaredMount> declared() {
        return (this.lifecycle != null) ? this.lifecycle.declaredMounts() : List.of();
    }

    private Optional<DeclaredMount> find(String name) {
        return declared().stream().filter((mount) -> mount.name().equals(name)).findFirst();
    }

    private static MountDescriptor describe(DeclaredMount declared) {
        Optional<FuseMount> mount = declared.mount();
        if (mount.isPresent()) {
            return describe(mount.get(), declared.order(), "declared", declared.beanName());
        }
        MountSpec spec = declared.spec();
        return new MountDescriptor(spec.mountPoint().toString(),
                declared.failure().isPresent() ? "FAILED" : "NOT_MOUNTED", null, spec.options(), spec.readOnly(),
                spec.multithreaded(), declared.order(), "declared", declared.beanName(),
                declared.failure().map(Throwable::getMessage).orElse(null), null);
    }

    private static MountDescriptor describe(FuseMount mount, Integer order, String origin, String beanName) {
        MountSpec spec = mount.spec();
        return new MountDescriptor(mount.mountPoint().toString(), mount.state().name(), mount.since().toString(),
                spec.options(), spec.readOnly(), spec.multithreaded(), order, origin, beanName,
                mount.failure().map(Throwable::getMessage).orElse(null),
                (mount.connectionId() >= 0) ? mount.connectionId() : null);
    }

    /** All mounts. */
    public record MountsDescriptor(Map<String, MountDescriptor> mounts) {
    }

    /** One mount as the endpoint shows it. */
    public record MountDescriptor(String mountPoint, String state, @Nullable String since, List<String> options,
            boolean readOnly, boolean multithreaded, @Nullable Integer order, String origin, @Nullable String bean,
            @Nullable String failure, @Nullable Integer connection) {
    }

}
