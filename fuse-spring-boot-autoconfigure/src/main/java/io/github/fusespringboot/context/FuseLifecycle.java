// Mounts the declared filesystems group by group when the context starts, and unmounts everything when it stops.
package io.github.fusespringboot.context;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.FuseMountException;
import io.github.fusespringboot.mount.MountManager;
import io.github.fusespringboot.mount.MountManager.MountResult;
import io.github.fusespringboot.mount.MountSpec;
import io.github.fusespringboot.mount.MountState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.BeanNameAware;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Owns the mounts of the {@code @FuseFilesystem} beans. Start mounts them in groups of ascending
 * order, each group concurrently (at most {@code concurrency} at a time); stop unmounts whatever the
 * {@link MountManager} still holds: runtime mounts first (they are the newest, and may sit inside a
 * declared mount), then the groups in descending order, each concurrently. Every mount and unmount is
 * bounded by the engine's timeouts.
 *
 * <p>
 * The declarations are read and checked once every singleton exists, so a misused
 * {@code @FuseFilesystem} fails the context before anything is mounted. Each filesystem bean is
 * registered as a dependency of this bean, so even when the context is torn down without a lifecycle
 * stop (a failed refresh) the mounts are gone before any filesystem bean is destroyed.
 *
 * <p>
 * While declared mounts are up, a non-daemon thread keeps the JVM alive (see
 * {@link #setKeepAlive(boolean)}), so an application without a web server keeps serving its
 * filesystems after {@code main} returns. With {@link #setAutoStartup(boolean) auto-startup} off
 * nothing is mounted until {@link #start()} is called or a declared mount is {@link #remount(String)
 * mounted} on request.
 */
public final class FuseLifecycle
        implements SmartLifecycle, SmartInitializingSingleton, BeanNameAware, BeanFactoryAware, DisposableBean {

    private static final Logger logger = LoggerFactory.getLogger(FuseLifecycle.class);

    private final Object monitor = new Object();

    private final MountManager manager;

    private final FuseFilesystemBeans filesystems;

    private final int concurrency;

    private final boolean failFast;

    private final int phase;

    private String beanName;

    private ConfigurableBeanFactory beanFactory;

    private volatile List<DeclaredMount> declared;

    private volatile boolean running;

    /** Set by stop and destroy, cleared by start: operators may not mount while the context goes down. */
    private volatile boolean stopped;

    private volatile boolean autoStartup = true;

    private volatile boolean keepAliveEnabled = true;

    private final FuseLifecycleKeepAlive keepAlive = new FuseLifecycleKeepAlive();

    /**
     * @param manager the engine that mounts and unmounts
     * @param filesystems where the declarations come from
     * @param concurrency how many mounts or unmounts may be in flight at once
     * @param failFast whether a failed mount fails {@link #start()} (after unmounting what was mounted)
     * @param phase the lifecycle phase; see {@code FuseProperties.DEFAULT_LIFECYCLE_PHASE}
     */
    public FuseLifecycle(MountManager manager, FuseFilesystemBeans filesystems, int concurrency, boolean failFast,
            int phase) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, not " + concurrency);
        }
        this.manager = manager;
        this.filesystems = filesystems;
        this.concurrency = concurrency;
        this.failFast = failFast;
        this.phase = phase;
    }

    /**
     * Whether the context's refresh mounts the declared filesystems (default {@code true}). When
     * {@code false}, nothing is mounted until {@link #start()} (for example {@code context.start()})
     * or {@link #remount(String)} is called; the mount manager works either way.
     */
    public void setAutoStartup(boolean autoStartup) {
        this.autoStartup = autoStartup;
    }

    @Override
    public boolean isAutoStartup() {
        return this.autoStartup;
    }

    /**
     * Whether a non-daemon thread keeps the JVM alive from the moment a declared mount is up until
     * this lifecycle stops (default {@code true}). The engine serves on daemon threads: without it,
     * an application with no web server (or other non-daemon thread) exits once {@code main} returns.
     */
    public void setKeepAlive(boolean keepAlive) {
        this.keepAliveEnabled = keepAlive;
    }

    /** Whether the keep-alive thread is running now. */
    public boolean isKeepingAlive() {
        return this.keepAlive.isActive();
    }

    @Override
    public void setBeanName(String name) {
        this.beanName = name;
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        if (beanFactory instanceof ConfigurableBeanFactory configurable) {
            this.beanFactory = configurable;
        }
    }

    @Override
    public void afterSingletonsInstantiated() {
        declaredMountsResolved();
    }

    private List<DeclaredMount> declaredMountsResolved() {
        List<DeclaredMount> result = this.declared;
        if (result == null) {
            synchronized (this.monitor) {
                result = this.declared;
                if (result == null) {
                    result = this.filesystems.resolve();
                    if (this.beanFactory != null && this.beanName != null) {
                        for (DeclaredMount mount : result) {
                            this.beanFactory.registerDependentBean(mount.beanName(), this.beanName);
                        }
                    }
                    this.declared = result;
                }
            }
        }
        return result;
    }

    /**
     * Every declared mount, in mount order, with its mount or failure once started. Empty before the
     * declarations have been read. Disabled mounts ({@code fuse.mounts.<name>.enabled=false}) are not
     * included.
     */
    public List<DeclaredMount> declaredMounts() {
        List<DeclaredMount> result = this.declared;
        return (result != null) ? result : List.of();
    }

    /** The engine the mounts belong to; runtime mounts made through it are unmounted at stop too. */
    public MountManager mountManager() {
        return this.manager;
    }

    @Override
    public void start() {
        synchronized (this.monitor) {
            if (this.running) {
                return;
            }
            List<DeclaredMount> declared = declaredMountsResolved();
            long started = System.nanoTime();
            List<FuseMountException> failures = new ArrayList<>();
            List<List<DeclaredMount>> groups = groups(declared);
            try {
                for (int i = 0; i < groups.size(); i++) {
                    failures.addAll(mountGroup(groups.get(i)));
                    if (this.failFast && !failures.isEmpty()) {
                        List<String> notAttempted = new ArrayList<>();
                        groups.subList(i + 1, groups.size())
                            .forEach((group) -> group.forEach((mount) -> notAttempted.add(mount.name())));
                        unmountEverything();
                        throw new MountsFailedException(failures, notAttempted);
                    }
                }
            }
            catch (RuntimeException | Error ex) {
                if (!(ex instanceof MountsFailedException)) {
                    unmountEverything();
                }
                throw ex;
            }
            for (FuseMountException failure : failures) {
                logger.error("{} (the application starts without it: fuse.fail-fast=false)", failure.getMessage());
            }
            if (!declared.isEmpty()) {
                logger.info("Mounted {} of {} FUSE filesystem(s) in {} ms", declared.size() - failures.size(),
                        declared.size(), (System.nanoTime() - started) / 1_000_000);
            }
            this.stopped = false;
            this.running = true;
            keepAliveIfMounted();
        }
    }

    private void keepAliveIfMounted() {
        if (this.keepAliveEnabled
                && declaredMounts().stream().anyMatch((mount) -> mount.mount().filter(FuseLifecycle::isUp).isPresent())) {
            this.keepAlive.start();
        }
    }

    private List<FuseMountException> mountGroup(List<DeclaredMount> all) {
        // a mount an operator made before start (auto-startup off) stays as it is
        List<DeclaredMount> group = all.stream()
            .filter((mount) -> mount.mount().filter(FuseLifecycle::isUp).isEmpty())
            .toList();
        List<MountSpec> specs = group.stream().map(DeclaredMount::spec).toList();
        List<MountResult> results = this.manager.mountAll(specs, this.concurrency);
        List<FuseMountException> failures = new ArrayList<>();
        for (int i = 0; i < group.size(); i++) {
            MountResult result = results.get(i);
            if (result.succeeded()) {
                group.get(i).mounted(result.mount());
            }
            else {
                group.get(i).failed(result.error());
                failures.add(result.error());
            }
        }
        return failures;
    }

    /**
     * Unmounts synchronously, then calls back: the lifecycle processor moves on to destroying beans
     * only after the callback, and the filesystems must outlive their mounts. Each step is bounded by
     * the engine's unmount timeout, so this cannot hang.
     */
    @Override
    public void stop(Runnable callback) {
        try {
            stop();
        }
        finally {
            callback.run();
        }
    }

    @Override
    public void stop() {
        synchronized (this.monitor) {
            try {
                unmountEverything();
            }
            finally {
                this.running = false;
                this.stopped = true;
                this.keepAlive.stop();
            }
        }
    }

    /** Unmounts whatever is left if the context is torn down without a stop (a failed refresh). */
    @Override
    public void destroy() {
        synchronized (this.monitor) {
            try {
                if (!this.manager.mounts().isEmpty()) {
                    unmountEverything();
                }
            }
            finally {
                this.running = false;
                this.stopped = true;
                this.keepAlive.stop();
            }
        }
    }

    private void unmountEverything() {
        long started = System.nanoTime();
        int before = this.manager.mounts().size();
        List<DeclaredMount> declared = declaredMounts();
        Set<FuseMount> declaredMounts = Collections.newSetFromMap(new IdentityHashMap<>());
        declared.forEach((mount) -> mount.mount().ifPresent(declaredMounts::add));
        List<FuseMount> runtime = new ArrayList<>(this.manager.mounts());
        runtime.removeAll(declaredMounts);
        List<FuseMountException> failures = new ArrayList<>(unmount(runtime));
        List<List<DeclaredMount>> groups = groups(declared);
        Collections.reverse(groups);
        for (List<DeclaredMount> group : groups) {
            List<FuseMount> mounts = new ArrayList<>();
            group.forEach((mount) -> mount.mount().filter(FuseLifecycle::needsUnmount).ifPresent(mounts::add));
            failures.addAll(unmount(mounts));
        }
        // anything mounted at runtime while the groups were coming down
        failures.addAll(unmount(this.manager.mounts()));
        if (!failures.isEmpty()) {
            logger.warn("{} FUSE mount(s) could not be unmounted cleanly; see the errors above", failures.size());
        }
        else if (before > 0) {
            logger.info("Unmounted {} FUSE filesystem(s) in {} ms", before, (System.nanoTime() - started) / 1_000_000);
        }
    }

    private List<FuseMountException> unmount(Collection<FuseMount> mounts) {
        if (mounts.isEmpty()) {
            return List.of();
        }
        return this.manager.unmountAll(mounts, this.concurrency);
    }

    private static boolean isUp(FuseMount mount) {
        return mount.state() == MountState.MOUNTED;
    }

    private static boolean needsUnmount(FuseMount mount) {
        MountState state = mount.state();
        return state == MountState.MOUNTING || state == MountState.MOUNTED || state == MountState.UNMOUNTING;
    }

    private static List<List<DeclaredMount>> groups(List<DeclaredMount> declared) {
        Map<Integer, List<DeclaredMount>> byOrder = new LinkedHashMap<>();
        declared.stream()
            .sorted(Comparator.comparingInt(DeclaredMount::order))
            .forEach((mount) -> byOrder.computeIfAbsent(mount.order(), (order) -> new ArrayList<>()).add(mount));
        return new ArrayList<>(byOrder.values());
    }

    /**
     * Mounts a declared mount again: unmounts it first if it is mounted, then mounts its spec. For
     * operators (the {@code fuse} endpoint) after an unmount or a failure, or, with auto-startup off,
     * to mount one before {@link #start()}.
     * @throws java.util.NoSuchElementException when no declared mount has that name
     * @throws IllegalStateException when the lifecycle has been stopped (the application is stopping)
     * @throws FuseMountException when mounting fails (recorded as the mount's failure too)
     */
    public FuseMount remount(String name) {
        synchronized (this.monitor) {
            if (this.stopped) {
                throw new IllegalStateException("FUSE mounts are stopped (the application is stopping)");
            }
            DeclaredMount declared = declared(name);
            declared.mount().filter(FuseLifecycle::needsUnmount).ifPresent(FuseMount::unmount);
            try {
                FuseMount mount = this.manager.mount(declared.spec());
                declared.mounted(mount);
                keepAliveIfMounted();
                return mount;
            }
            catch (FuseMountException ex) {
                declared.failed(ex);
                throw ex;
            }
        }
    }

    /**
     * Unmounts a declared mount (it stays declared, in state UNMOUNTED, and can be remounted).
     * @throws java.util.NoSuchElementException when no declared mount has that name
     */
    public void unmount(String name) {
        synchronized (this.monitor) {
            declared(name).mount().filter(FuseLifecycle::needsUnmount).ifPresent(FuseMount::unmount);
        }
    }

    private DeclaredMount declared(String name) {
        return declaredMounts().stream()
            .filter((mount) -> mount.name().equals(name))
            .findFirst()
            .orElseThrow(() -> new java.util.NoSuchElementException("No declared FUSE mount named '" + name + "'"));
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    /** Mounts before the embedded web server starts and unmounts after it has stopped, by default. */
    @Override
    public int getPhase() {
        return this.phase;
    }

}
