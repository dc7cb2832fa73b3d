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
import io.github.fusespringboot.mount.MountState;
import io.github.fusespringboot.mount.NegotiatedProtocol;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@code /actuator/fuse}: every mount (declared with {@code @FuseFilesystem} or made at runtime) with
 * its mount point, state, since when, options, order, what its session negotiated with the kernel
 * (protocol version, sizes, flags) and, for a failure, the cause;
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

    /**
     * Unmounts one mount (a declared one stays listed, UNMOUNTED, and can be remounted). Unknown: no
     * result (404 over HTTP); a failed unmount: the mount as it is, with the failure.
     */
    @DeleteOperation
    public @Nullable MountDescriptor unmount(@Selector String name) {
        return unmountOutcome(name).mount();
    }

    /**
     * Mounts a declared mount again, after an unmount or a failure. Unknown: no result (404 over
     * HTTP); otherwise the mount as it is then, with the failure if there was one. Over HTTP a refusal
     * is 409 and a failure 500 ({@link FuseEndpointWebExtension}).
     */
    @WriteOperation
    public @Nullable MountDescriptor remount(@Selector String name) {
        return remountOutcome(name).mount();
    }

    /** What unmounting {@code name} did. */
    public Outcome unmountOutcome(String name) {
        Optional<DeclaredMount> declared = find(name);
        if (declared.isPresent()) {
            try {
                this.lifecycle.unmount(name);
            }
            catch (FuseMountException ex) {
                return Outcome.failed(describe(declared.get()), ex);
            }
            return Outcome.done(describe(declared.get()));
        }
        Optional<FuseMount> runtime = this.manager.find(name);
        if (runtime.isEmpty()) {
            return Outcome.unknown(name);
        }
        try {
            runtime.get().unmount();
        }
        catch (FuseMountException ex) {
            return Outcome.failed(describe(runtime.get(), null, "runtime", null), ex);
        }
        return Outcome.done(describe(runtime.get(), null, "runtime", null));
    }

    /**
     * What remounting {@code name} did. Refused (a conflict with the mount's state) when it is a runtime
     * mount (the code that made it remounts it), when it is mounted or between states (unmount it
     * first), or while the application is starting or stopping.
     */
    public Outcome remountOutcome(String name) {
        Optional<DeclaredMount> declared = find(name);
        if (declared.isEmpty()) {
            Optional<FuseMount> runtime = this.manager.find(name);
            if (runtime.isPresent()) {
                return Outcome.refused(name, describe(runtime.get(), null, "runtime", null), "FUSE mount '" + name
                        + "' was mounted at runtime through the MountManager; the code that made it remounts it");
            }
            return Outcome.unknown(name);
        }
        Optional<FuseMount> current = declared.get().mount();
        if (current.isPresent() && isActive(current.get().state())) {
            return Outcome.refused(name, describe(declared.get()), "FUSE mount '" + name + "' is "
                    + current.get().state() + "; unmount it first (DELETE), then mount it again (POST)");
        }
        try {
            this.lifecycle.remount(name);
        }
        catch (FuseMountException ex) {
            return Outcome.failed(describe(declared.get()), ex);
        }
        catch (IllegalStateException ex) {
            return Outcome.refused(name, describe(declared.get()), ex.getMessage());
        }
        catch (NoSuchElementException ex) {
            return Outcome.unknown(name);
        }
        return Outcome.done(describe(declared.get()));
    }

    private static boolean isActive(MountState state) {
        return state == MountState.MOUNTING || state == MountState.MOUNTED || state == MountState.UNMOUNTING;
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
                declared.failure().map(Throwable::getMessage).orElse(null), null, null);
    }

    private static MountDescriptor describe(FuseMount mount, Integer order, String origin, String beanName) {
        MountSpec spec = mount.spec();
        return new MountDescriptor(mount.mountPoint().toString(), mount.state().name(), mount.since().toString(),
                spec.options(), spec.readOnly(), spec.multithreaded(), order, origin, beanName,
                mount.failure().map(Throwable::getMessage).orElse(null),
                (mount.connectionId() >= 0) ? mount.connectionId() : null,
                mount.negotiated().map(ProtocolDescriptor::of).orElse(null));
    }

    /**
     * The result of an unmount or remount: done, unknown mount, refused because of the mount's state,
     * or failed; with the mount as it is afterwards and, unless done, what went wrong.
     */
    public record Outcome(Kind kind, @Nullable MountDescriptor mount, @Nullable ErrorDescriptor error) {

        static Outcome done(MountDescriptor mount) {
            return new Outcome(Kind.DONE, mount, null);
        }

        static Outcome unknown(String name) {
            return new Outcome(Kind.UNKNOWN, null,
                    new ErrorDescriptor(name, "No FUSE mount named '" + name + "'", null, null, null, null));
        }

        static Outcome refused(String name, MountDescriptor mount, String reason) {
            return new Outcome(Kind.REFUSED, mount, new ErrorDescriptor(name, reason, null, null, null, mount));
        }

        static Outcome failed(MountDescriptor mount, FuseMountException failure) {
            return new Outcome(Kind.FAILED, mount,
                    new ErrorDescriptor(failure.mountName(), failure.getMessage(), failure.phase().name(),
                            failure.errnoName(), failure.action(), mount));
        }

        /** What became of the request. */
        public enum Kind {

            /** Unmounted, or mounted again. */
            DONE,

            /** No mount has that name. */
            UNKNOWN,

            /** Not possible in the mount's present state. */
            REFUSED,

            /** Tried, and the engine failed. */
            FAILED

        }

    }

    /**
     * Why an operation did not succeed: the mount, the message, and for an engine failure the step
     * ({@code MOUNT}, {@code VALIDATE}, ...), the errno name and the engine's advice.
     */
    public record ErrorDescriptor(String mount, String message, @Nullable String phase, @Nullable String errno,
            @Nullable String action, @Nullable MountDescriptor current) {
    }

    /** All mounts. */
    public record MountsDescriptor(Map<String, MountDescriptor> mounts) {
    }

    /** One mount as the endpoint shows it. */
    public record MountDescriptor(String mountPoint, String state, @Nullable String since, List<String> options,
            boolean readOnly, boolean multithreaded, @Nullable Integer order, String origin, @Nullable String bean,
            @Nullable String failure, @Nullable Integer connection, @Nullable ProtocolDescriptor protocol) {
    }

    /**
     * What the mount's session agreed with the kernel in FUSE_INIT: the protocol version
     * ({@code 7.38}), max_write, max_readahead, max_pages, time_gran and the capability flags enabled,
     * by name.
     */
    public record ProtocolDescriptor(String version, int maxWrite, int maxReadahead, int maxPages, int timeGran,
            List<String> flags) {

        static ProtocolDescriptor of(NegotiatedProtocol negotiated) {
            return new ProtocolDescriptor(negotiated.version(), negotiated.maxWrite(), negotiated.maxReadahead(),
                    negotiated.maxPages(), negotiated.timeGran(), negotiated.flags());
        }

    }

}
