// One @FuseFilesystem mount as the lifecycle sees it: what to mount, and how it went.
package io.github.fusespringboot.context;

import java.util.Optional;

import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.FuseMountException;
import io.github.fusespringboot.mount.MountSpec;

/**
 * A mount declared by a {@code @FuseFilesystem} bean: its specification and order, and, once the
 * lifecycle has started, its {@link FuseMount} or the reason it failed. A read-only view; the
 * {@link FuseLifecycle} updates it.
 */
public final class DeclaredMount {

    private final String beanName;

    private final MountSpec spec;

    private final int order;

    private volatile FuseMount mount;

    private volatile FuseMountException failure;

    DeclaredMount(String beanName, MountSpec spec, int order) {
        this.beanName = beanName;
        this.spec = spec;
        this.order = order;
    }

    /** The mount's name. */
    public String name() {
        return this.spec.name();
    }

    /** The name of the filesystem bean. */
    public String beanName() {
        return this.beanName;
    }

    /** What is mounted where, and how. */
    public MountSpec spec() {
        return this.spec;
    }

    /** Lower orders are mounted earlier and unmounted later. */
    public int order() {
        return this.order;
    }

    /**
     * The mount, once mounting succeeded; it stays here after unmounting, in state UNMOUNTED (or
     * FAILED when unmounting had to give up).
     */
    public Optional<FuseMount> mount() {
        return Optional.ofNullable(this.mount);
    }

    /** Why mounting failed, when it did. */
    public Optional<FuseMountException> failure() {
        return Optional.ofNullable(this.failure);
    }

    void mounted(FuseMount mount) {
        this.failure = null;
        this.mount = mount;
    }

    void failed(FuseMountException failure) {
        this.mount = null;
        this.failure = failure;
    }

    @Override
    public String toString() {
        return "DeclaredMount[" + name() + " on " + this.spec.mountPoint() + ", order " + this.order + ", bean '"
                + this.beanName + "']";
    }

}
