// What to mount where, and how: the immutable input of MountManager.mount.
package io.github.fusespringboot.mount;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

import ru.serce.jnrfuse.FuseFS;

/**
 * Everything the engine needs to mount one filesystem. Build one with
 * {@link #builder(String, Path, FuseFS)}.
 */
public final class MountSpec {

    /** Mount names appear in the mount table and in thread names; keep them plain. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private final String name;

    private final Path mountPoint;

    private final FuseFS filesystem;

    private final boolean readOnly;

    private final boolean createMountPoint;

    private final List<String> options;

    private final boolean multithreaded;

    private final int maxThreads;

    private final Duration mountTimeout;

    private final Duration unmountTimeout;

    private final boolean allowSystemDirectory;

    private final StaleMountPolicy staleMountPolicy;

    private final UnmountEscalation unmountEscalation;

    private final MountStrategy mountStrategy;

    private MountSpec(Builder builder) {
        this.name = builder.name;
        this.mountPoint = builder.mountPoint;
        this.filesystem = builder.filesystem;
        this.readOnly = builder.readOnly;
        this.createMountPoint = builder.createMountPoint;
        this.options = List.copyOf(builder.options);
        this.multithreaded = builder.multithreaded;
        this.maxThreads = builder.maxThreads;
        this.mountTimeout = builder.mountTimeout;
        this.unmountTimeout = builder.unmountTimeout;
        this.allowSystemDirectory = builder.allowSystemDirectory;
        this.staleMountPolicy = builder.staleMountPolicy;
        this.unmountEscalation = builder.unmountEscalation;
        this.mountStrategy = builder.mountStrategy;
    }

    /** Starts a specification: the mount's name, its directory and the filesystem to serve there. */
    public static Builder builder(String name, Path mountPoint, FuseFS filesystem) {
        return new Builder(name, mountPoint, filesystem);
    }

    public String name() {
        return this.name;
    }

    public Path mountPoint() {
        return this.mountPoint;
    }

    public FuseFS filesystem() {
        return this.filesystem;
    }

    public boolean readOnly() {
        return this.readOnly;
    }

    public boolean createMountPoint() {
        return this.createMountPoint;
    }

    public List<String> options() {
        return this.options;
    }

    public boolean multithreaded() {
        return this.multithreaded;
    }

    public int maxThreads() {
        return this.maxThreads;
    }

    public Duration mountTimeout() {
        return this.mountTimeout;
    }

    public Duration unmountTimeout() {
        return this.unmountTimeout;
    }

    public boolean allowSystemDirectory() {
        return this.allowSystemDirectory;
    }

    public StaleMountPolicy staleMountPolicy() {
        return this.staleMountPolicy;
    }

    public UnmountEscalation unmountEscalation() {
        return this.unmountEscalation;
    }

    public MountStrategy mountStrategy() {
        return this.mountStrategy;
    }

    @Override
    public String toString() {
        return "MountSpec[" + this.name + " on " + this.mountPoint + (this.readOnly ? ", ro" : "")
                + (this.options.isEmpty() ? "" : ", " + this.options)
                + ((this.mountStrategy != MountStrategy.DIRECT) ? ", " + this.mountStrategy : "") + "]";
    }

    /** Builds a {@link MountSpec}. */
    public static final class Builder {

        private final String name;

        private final Path mountPoint;

        private final FuseFS filesystem;

        private boolean readOnly;

        private boolean createMountPoint;

        private final List<String> options = new ArrayList<>();

        private boolean multithreaded = true;

        private int maxThreads = 10;

        private Duration mountTimeout = Duration.ofSeconds(10);

        private Duration unmountTimeout = Duration.ofSeconds(10);

        private boolean allowSystemDirectory;

        private StaleMountPolicy staleMountPolicy = StaleMountPolicy.CLEAN_OURS;

        private UnmountEscalation unmountEscalation = UnmountEscalation.ALL;

        private MountStrategy mountStrategy = MountStrategy.DIRECT;

        private Builder(String name, Path mountPoint, FuseFS filesystem) {
            this.name = Objects.requireNonNull(name, "name");
            this.mountPoint = Objects.requireNonNull(mountPoint, "mountPoint");
            this.filesystem = Objects.requireNonNull(filesystem, "filesystem");
        }

        /** Mount read-only ({@code MS_RDONLY}): every write gets EROFS from the kernel. */
        public Builder readOnly(boolean readOnly) {
            this.readOnly = readOnly;
            return this;
        }

        /** Create the mount point (and missing parents) if it does not exist; removed again on unmount. */
        public Builder createMountPoint(boolean create) {
            this.createMountPoint = create;
            return this;
        }

        /** FUSE options such as {@code allow_other}, {@code max_read=N}, {@code attr_timeout=T}. */
        public Builder options(List<String> options) {
            for (String option : options) {
                option(option);
            }
            return this;
        }

        /** One FUSE option; a comma-separated list is split. */
        public Builder option(String option) {
            for (String part : option.split(",")) {
                if (!part.isBlank()) {
                    this.options.add(part.trim());
                }
            }
            return this;
        }

        /**
         * Serve requests on several threads (grown on demand up to {@link #maxThreads(int)}) instead of
         * one, so a slow operation does not hold up the others.
         */
        public Builder multithreaded(boolean multithreaded) {
            this.multithreaded = multithreaded;
            return this;
        }

        /**
         * The most requests of a multithreaded mount running at once on the engine's threads, which
         * all mounts share (a single-threaded mount runs one at a time).
         */
        public Builder maxThreads(int maxThreads) {
            this.maxThreads = maxThreads;
            return this;
        }

        /** How long mounting may take, INIT included. */
        public Builder mountTimeout(Duration timeout) {
            this.mountTimeout = Objects.requireNonNull(timeout, "mountTimeout");
            return this;
        }

        /** How long unmounting may take before the connection is aborted. */
        public Builder unmountTimeout(Duration timeout) {
            this.unmountTimeout = Objects.requireNonNull(timeout, "unmountTimeout");
            return this;
        }

        /** Allow mounting on a system directory such as {@code /usr} or {@code /var}. */
        public Builder allowSystemDirectory(boolean allow) {
            this.allowSystemDirectory = allow;
            return this;
        }

        /** What to do with a dead FUSE mount found on the mount point (default: clean it if it is ours). */
        public Builder staleMountPolicy(StaleMountPolicy policy) {
            this.staleMountPolicy = Objects.requireNonNull(policy, "staleMountPolicy");
            return this;
        }

        /** Which rungs of the unmount escalation may be used (default: all). */
        public Builder unmountEscalation(UnmountEscalation escalation) {
            this.unmountEscalation = Objects.requireNonNull(escalation, "unmountEscalation");
            return this;
        }

        /**
         * How to mount (default {@link MountStrategy#DIRECT}: {@code mount(2)}, root or
         * {@code CAP_SYS_ADMIN} needed). A normal user needs {@link MountStrategy#FUSERMOUNT}.
         */
        public Builder mountStrategy(MountStrategy strategy) {
            this.mountStrategy = Objects.requireNonNull(strategy, "mountStrategy");
            return this;
        }

        public MountSpec build() {
            return new MountSpec(this);
        }

    }

}
