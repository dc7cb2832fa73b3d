// The fuse.* configuration: defaults for every mount, the lifecycle's behaviour and per-mount overrides.
package io.github.fusespringboot.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.fusespringboot.mount.MountStrategy;
import io.github.fusespringboot.mount.StaleMountPolicy;
import io.github.fusespringboot.mount.UnmountEscalation;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Configuration properties for mounting {@code @FuseFilesystem} beans.
 */
@ConfigurationProperties("fuse")
public class FuseProperties implements InitializingBean {

    /**
     * Mounts before the embedded web server starts (Integer.MAX_VALUE - 2048) and unmounts after it has
     * stopped and graceful shutdown is over (Integer.MAX_VALUE - 1024).
     */
    public static final int DEFAULT_LIFECYCLE_PHASE = Integer.MAX_VALUE - 4096;

    /**
     * Whether to mount @FuseFilesystem beans and provide the mount manager.
     */
    private boolean enabled = true;

    /**
     * Whether to mount the @FuseFilesystem beans when the application starts. When false, the mount
     * manager, health contributor and endpoint are there but nothing is mounted until the lifecycle is
     * started (context start) or a mount is mounted through the endpoint or the mount manager.
     */
    private boolean autoStartup = true;

    /**
     * Whether a non-daemon thread keeps the JVM running while @FuseFilesystem mounts are up, so that
     * an application without a web server does not exit (and unmount) as soon as it has started.
     */
    private boolean keepAlive = true;

    /**
     * How many mounts (and unmounts) may be in flight at once. Defaults to the number of processors.
     */
    private int concurrency = Runtime.getRuntime().availableProcessors();

    /**
     * How long one mount may take, until the filesystem has answered the kernel's INIT.
     */
    private Duration mountTimeout = Duration.ofSeconds(10);

    /**
     * How long one unmount may take before its FUSE connection is aborted.
     */
    private Duration unmountTimeout = Duration.ofSeconds(10);

    /**
     * Whether a failed mount fails the application's startup (after unmounting what was mounted
     * already). When false, the application starts and the mount is reported as failed.
     */
    private boolean failFast = true;

    /**
     * Whether each mount serves requests on several threads, so that a slow operation does not hold
     * up the others.
     */
    private boolean multithreaded = true;

    /**
     * The most requests of one multithreaded mount running at once, on the engine's threads, which
     * all mounts share.
     */
    private int maxThreads = 10;

    /**
     * FUSE options applied to every mount, before the mount's own options.
     */
    private List<String> defaultOptions = new ArrayList<>();

    /**
     * The SmartLifecycle phase in which the mounts are mounted (and, in reverse, unmounted).
     */
    private int lifecyclePhase = DEFAULT_LIFECYCLE_PHASE;

    private final FdReservation fdReservation = new FdReservation();

    /**
     * What to do when a mount point already holds a dead FUSE mount (as a kill -9 leaves it): clean
     * it if it is one of ours, refuse, or clean any dead FUSE mount. A live mount is always refused.
     */
    private StaleMountPolicy cleanStaleMounts = StaleMountPolicy.CLEAN_OURS;

    /**
     * How mounts are made: direct (mount(2), needs root or CAP_SYS_ADMIN, never falls back),
     * fusermount (always the set-uid fusermount3 helper, for normal users), or
     * direct-then-fusermount (direct, falling back to the helper with a warning each time).
     */
    private MountStrategy mountStrategy = MountStrategy.DIRECT;

    /**
     * Whether mount points may be system directories such as /usr, /var or /etc (or below /proc,
     * /sys, /dev).
     */
    private boolean allowSystemDirectories;

    private final Unmount unmount = new Unmount();

    private final Health health = new Health();

    private final Metrics metrics = new Metrics();

    /**
     * Per-mount settings, keyed by mount name, that win over the @FuseFilesystem annotation.
     */
    private Map<String, Mount> mounts = new LinkedHashMap<>();

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean isAutoStartup() {
        return this.autoStartup;
    }

    public void setAutoStartup(boolean autoStartup) {
        this.autoStartup = autoStartup;
    }

    public boolean isKeepAlive() {
        return this.keepAlive;
    }

    public void setKeepAlive(boolean keepAlive) {
        this.keepAlive = keepAlive;
    }

    public int getConcurrency() {
        return this.concurrency;
    }

    public void setConcurrency(int concurrency) {
        this.concurrency = concurrency;
    }

    public Duration getMountTimeout() {
        return this.mountTimeout;
    }

    public void setMountTimeout(Duration mountTimeout) {
        this.mountTimeout = mountTimeout;
    }

    public Duration getUnmountTimeout() {
        return this.unmountTimeout;
    }

    public void setUnmountTimeout(Duration unmountTimeout) {
        this.unmountTimeout = unmountTimeout;
    }

    public boolean isFailFast() {
        return this.failFast;
    }

    public void setFailFast(boolean failFast) {
        this.failFast = failFast;
    }

    public boolean isMultithreaded() {
        return this.multithreaded;
    }

    public void setMultithreaded(boolean multithreaded) {
        this.multithreaded = multithreaded;
    }

    public int getMaxThreads() {
        return this.maxThreads;
    }

    public void setMaxThreads(int maxThreads) {
        this.maxThreads = maxThreads;
    }

    public List<String> getDefaultOptions() {
        return this.defaultOptions;
    }

    public void setDefaultOptions(List<String> defaultOptions) {
        this.defaultOptions = defaultOptions;
    }

    public int getLifecyclePhase() {
        return this.lifecyclePhase;
    }

    public void setLifecyclePhase(int lifecyclePhase) {
        this.lifecyclePhase = lifecyclePhase;
    }

    public MountStrategy getMountStrategy() {
        return this.mountStrategy;
    }

    public void setMountStrategy(MountStrategy mountStrategy) {
        this.mountStrategy = mountStrategy;
    }

    public StaleMountPolicy getCleanStaleMounts() {
        return this.cleanStaleMounts;
    }

    public void setCleanStaleMounts(StaleMountPolicy cleanStaleMounts) {
        this.cleanStaleMounts = cleanStaleMounts;
    }

    public boolean isAllowSystemDirectories() {
        return this.allowSystemDirectories;
    }

    public void setAllowSystemDirectories(boolean allowSystemDirectories) {
        this.allowSystemDirectories = allowSystemDirectories;
    }

    public Unmount getUnmount() {
        return this.unmount;
    }

    public Health getHealth() {
        return this.health;
    }

    public Metrics getMetrics() {
        return this.metrics;
    }

    public FdReservation getFdReservation() {
        return this.fdReservation;
    }

    public Map<String, Mount> getMounts() {
        return this.mounts;
    }

    public void setMounts(Map<String, Mount> mounts) {
        this.mounts = mounts;
    }

    /**
     * Rejects values that cannot work, naming the property and the value, before anything is mounted.
     */
    @Override
    public void afterPropertiesSet() {
        if (this.concurrency < 1) {
            throw new InvalidConfigurationPropertyValueException("fuse.concurrency", this.concurrency,
                    "at least 1 mount must be allowed in flight");
        }
        if (this.maxThreads < 1) {
            throw new InvalidConfigurationPropertyValueException("fuse.max-threads", this.maxThreads,
                    "a mount needs at least 1 thread");
        }
        requirePositive("fuse.mount-timeout", this.mountTimeout);
        requirePositive("fuse.unmount-timeout", this.unmountTimeout);
        requirePositive("fuse.health.probe-timeout", this.health.getProbeTimeout());
        if (this.health.getCacheTimeToLive() == null || this.health.getCacheTimeToLive().isNegative()) {
            throw new InvalidConfigurationPropertyValueException("fuse.health.cache-time-to-live",
                    this.health.getCacheTimeToLive(), "must be zero or positive");
        }
        this.mounts.forEach((name, mount) -> {
            String mountPoint = mount.getMountPoint();
            if (mountPoint != null && !Path.of(mountPoint).isAbsolute()) {
                throw new InvalidConfigurationPropertyValueException("fuse.mounts." + name + ".mount-point",
                        mountPoint, "a mount point must be an absolute path");
            }
        });
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new InvalidConfigurationPropertyValueException(name, value, "a timeout must be positive");
        }
    }

    /**
     * The rungs of the unmount escalation after a plain umount2, each bounded by fuse.unmount-timeout.
     */
    public static class Unmount {

        /**
         * Whether a busy mount is retried, with backoff, for half the unmount timeout.
         */
        private boolean retryWhileBusy = true;

        /**
         * Whether a mount still busy after the retries is detached lazily (MNT_DETACH).
         */
        private boolean lazyDetach = true;

        /**
         * Whether the FUSE connection is aborted through fusectl when the filesystem has not ended once
         * the unmount timeout is spent.
         */
        private boolean abortConnection = true;

        public boolean isRetryWhileBusy() {
            return this.retryWhileBusy;
        }

        public void setRetryWhileBusy(boolean retryWhileBusy) {
            this.retryWhileBusy = retryWhileBusy;
        }

        public boolean isLazyDetach() {
            return this.lazyDetach;
        }

        public void setLazyDetach(boolean lazyDetach) {
            this.lazyDetach = lazyDetach;
        }

        public boolean isAbortConnection() {
            return this.abortConnection;
        }

        public void setAbortConnection(boolean abortConnection) {
            this.abortConnection = abortConnection;
        }

        /** As the engine's {@link UnmountEscalation}. */
        public UnmountEscalation toEscalation() {
            return new UnmountEscalation(this.retryWhileBusy, this.lazyDetach, this.abortConnection);
        }

    }

    /**
     * The fuse health contributor (switch it off with management.health.fuse.enabled=false).
     */
    public static class Health {

        /**
         * How long a probe (a getattr of the mount's root) may take before the mount is reported
         * unresponsive.
         */
        private Duration probeTimeout = Duration.ofSeconds(1);

        /**
         * How long a probe's result is reused.
         */
        private Duration cacheTimeToLive = Duration.ofMillis(500);

        public Duration getProbeTimeout() {
            return this.probeTimeout;
        }

        public void setProbeTimeout(Duration probeTimeout) {
            this.probeTimeout = probeTimeout;
        }

        public Duration getCacheTimeToLive() {
            return this.cacheTimeToLive;
        }

        public void setCacheTimeToLive(Duration cacheTimeToLive) {
            this.cacheTimeToLive = cacheTimeToLive;
        }

    }

    /**
     * Micrometer metrics of the mounts.
     */
    public static class Metrics {

        private final Operations operations = new Operations();

        public Operations getOperations() {
            return this.operations;
        }

        /**
         * Per-operation timers (fuse.operations, by mount and operation).
         */
        public static class Operations {

            /**
             * Whether every filesystem call is timed (costs two clock reads and a timer update per call).
             */
            private boolean enabled;

            public boolean isEnabled() {
                return this.enabled;
            }

            public void setEnabled(boolean enabled) {
                this.enabled = enabled;
            }

        }

    }

    /**
     * Descriptor reservation: keeps descriptors 0 to 3 occupied so that no FUSE descriptor lands on them.
     */
    public static class FdReservation {

        /**
         * Whether to make sure descriptors 0, 1, 2 and 3 are open before any bean is created.
         */
        private boolean enabled = true;

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

    }

    /**
     * Settings of one mount; each one that is set wins over its @FuseFilesystem annotation.
     */
    public static class Mount {

        /**
         * Absolute directory to mount on.
         */
        private String mountPoint;

        /**
         * Whether to mount it at all.
         */
        private boolean enabled = true;

        /**
         * Whether to mount it read-only.
         */
        private Boolean readOnly;

        /**
         * FUSE options for this mount, replacing the annotation's options.
         */
        private List<String> options;

        /**
         * Mounts with a lower order are mounted earlier and unmounted later.
         */
        private Integer order;

        /**
         * How this mount is made (direct, fusermount, direct-then-fusermount); fuse.mount-strategy when
         * not set.
         */
        private MountStrategy mountStrategy;

        public MountStrategy getMountStrategy() {
            return this.mountStrategy;
        }

        public void setMountStrategy(MountStrategy mountStrategy) {
            this.mountStrategy = mountStrategy;
        }

        public String getMountPoint() {
            return this.mountPoint;
        }

        public void setMountPoint(String mountPoint) {
            this.mountPoint = mountPoint;
        }

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Boolean getReadOnly() {
            return this.readOnly;
        }

        public void setReadOnly(Boolean readOnly) {
            this.readOnly = readOnly;
        }

        public List<String> getOptions() {
            return this.options;
        }

        public void setOptions(List<String> options) {
            this.options = options;
        }

        public Integer getOrder() {
            return this.order;
        }

        public void setOrder(Integer order) {
            this.order = order;
        }

    }

}
