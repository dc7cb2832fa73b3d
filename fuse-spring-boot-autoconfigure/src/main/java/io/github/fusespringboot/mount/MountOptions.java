// Sorts FUSE options into mount(2) flags, kernel mount data and the engine's own options, rejecting unknown ones.
package io.github.fusespringboot.mount;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.fusespringboot.mount.natives.Native;

/**
 * The options of one mount, checked and sorted by who understands them: {@code mount(2)} flags, the
 * kernel's mount data, and the options of libfuse's names that the engine itself honours (see
 * {@code BridgeOptions}). The kernel rejects any key it does not know with EINVAL, so everything is
 * checked here first and an unknown option is a clear error naming it.
 *
 * <p>
 * Secure defaults: {@code nosuid,nodev} unless {@code suid}/{@code dev} is given; {@code allow_other}
 * brings {@code default_permissions} unless {@code no_default_permissions} is given.
 */
final class MountOptions {

    /** Keys of fs/fuse/inode.c's fuse_parse_param that users may set; the engine sets the others. */
    private static final Set<String> KERNEL_FLAGS = Set.of("allow_other", "default_permissions");

    private static final Set<String> KERNEL_NUMBERS = Set.of("max_read");

    private static final Set<String> ENGINE_SET = Set.of("fd", "rootmode", "user_id", "group_id", "fsname",
            "subtype", "blksize");

    /**
     * Flag options of libfuse 2.9's lib/fuse.c (fuse_lib_opts) and lib/fuse_lowlevel.c (fuse_ll_opts),
     * plus {@code writeback_cache} of libfuse 3; those the engine has no use for ({@code big_writes},
     * splice, ...) are accepted and ignored, so options written for libfuse keep working.
     */
    private static final Set<String> LIBRARY_FLAGS = Set.of("debug", "hard_remove", "use_ino", "readdir_ino",
            "direct_io", "kernel_cache", "auto_cache", "noauto_cache", "noforget", "nopath", "intr",
            "async_read", "sync_read", "atomic_o_trunc", "no_remote_lock", "no_remote_flock",
            "no_remote_posix_lock", "big_writes", "splice_write", "no_splice_write", "splice_move",
            "no_splice_move", "splice_read", "no_splice_read", "allow_root", "writeback_cache");

    private static final Set<String> LIBRARY_UNSIGNED = Set.of("max_write", "max_readahead", "max_background",
            "congestion_threshold", "remember", "uid", "gid", "intr_signal");

    private static final Set<String> LIBRARY_DECIMAL = Set.of("entry_timeout", "attr_timeout", "ac_attr_timeout",
            "negative_timeout");

    private final long flags;

    private final String kernelData;

    private final List<String> libraryOptions;

    private final boolean nonEmpty;

    private MountOptions(long flags, String kernelData, List<String> libraryOptions, boolean nonEmpty) {
        this.flags = flags;
        this.kernelData = kernelData;
        this.libraryOptions = libraryOptions;
        this.nonEmpty = nonEmpty;
    }

    /**
     * Parses the options of a mount.
     * @throws IllegalArgumentException naming the first option that is unknown or malformed
     */
    /** What a mount that gives no options gets (read-write, read-only): parsed once, not on every mount. */
    private static final MountOptions NONE_READ_WRITE = parseGiven(List.of(), false);

    private static final MountOptions NONE_READ_ONLY = parseGiven(List.of(), true);

    static MountOptions parse(List<String> options, boolean readOnly) {
        if (options.isEmpty()) {
            return readOnly ? NONE_READ_ONLY : NONE_READ_WRITE;
        }
        return parseGiven(options, readOnly);
    }

    private static MountOptions parseGiven(List<String> options, boolean readOnly) {
        boolean ro = readOnly;
        boolean suid = false;
        boolean dev = false;
        long extraFlags = 0;
        boolean nonEmpty = false;
        boolean noDefaultPermissions = false;
        Map<String, String> kernel = new LinkedHashMap<>();
        Map<String, String> library = new LinkedHashMap<>();
        for (String option : options) {
            int eq = option.indexOf('=');
            String key = (eq < 0) ? option : option.substring(0, eq);
            String value = (eq < 0) ? null : option.substring(eq + 1);
            switch (key) {
                case "ro" -> ro = true;
                case "rw" -> ro = false;
                case "suid" -> suid = true;
                case "nosuid" -> suid = false;
                case "dev" -> dev = true;
                case "nodev" -> dev = false;
                case "noexec" -> extraFlags |= 8; // MS_NOEXEC
                case "noatime" -> extraFlags |= 1024; // MS_NOATIME
                case "sync" -> extraFlags |= 16; // MS_SYNCHRONOUS
                case "nonempty" -> nonEmpty = true;
                case "no_default_permissions" -> noDefaultPermissions = true;
                default -> {
                    if (ENGINE_SET.contains(key)) {
                        throw new IllegalArgumentException("FUSE option '" + option
                                + "' is set by the engine (it identifies and wires the mount) and cannot be given");
                    }
                    if (KERNEL_FLAGS.contains(key)) {
                        requireNoValue(option, value);
                        kernel.put(key, null);
                    }
                    else if (KERNEL_NUMBERS.contains(key)) {
                        kernel.put(key, requireUnsigned(option, value));
                    }
                    else if (LIBRARY_FLAGS.contains(key)) {
                        requireNoValue(option, value);
                        library.put(key, null);
                    }
                    else if (LIBRARY_UNSIGNED.contains(key)) {
                        library.put(key, requireUnsigned(option, value));
                    }
                    else if (LIBRARY_DECIMAL.contains(key)) {
                        library.put(key, requireDecimal(option, value));
                    }
                    else if (key.equals("umask")) {
                        if (value == null || !value.matches("[0-7]{1,4}")) {
                            throw new IllegalArgumentException("FUSE option '" + option + "' needs an octal mask, e.g. umask=022");
                        }
                        library.put(key, value);
                    }
                    else if (key.equals("readdirplus")) {
                        if (value == null || !value.matches("yes|no|auto")) {
                            throw new IllegalArgumentException("FUSE option '" + option + "' needs yes, no or auto, e.g. readdirplus=auto");
                        }
                        library.put(key, value);
                    }
                    else if (key.equals("modules")) {
                        if (value == null || !value.matches("[A-Za-z0-9_:]+")) {
                            throw new IllegalArgumentException("FUSE option '" + option + "' needs module names, e.g. modules=subdir");
                        }
                        library.put(key, value);
                    }
                    else {
                        throw new IllegalArgumentException("unknown FUSE option '" + option + "'");
                    }
                }
            }
        }
        if (library.containsKey("allow_root")) {
            // allow_root is allow_other in the kernel; the engine then refuses every caller but the owner and
            // root, as libfuse does (BridgeOptions.allowRoot)
            kernel.put("allow_other", null);
        }
        if (kernel.containsKey("allow_other") && !noDefaultPermissions) {
            kernel.put("default_permissions", null);
        }
        long flags = extraFlags | (ro ? Native.MS_RDONLY : 0) | (suid ? 0 : Native.MS_NOSUID)
                | (dev ? 0 : Native.MS_NODEV);
        return new MountOptions(flags, join(kernel), List.copyOf(joinEach(library)), nonEmpty);
    }

    private static void requireNoValue(String option, String value) {
        if (value != null) {
            throw new IllegalArgumentException("FUSE option '" + option + "' takes no value");
        }
    }

    private static String requireUnsigned(String option, String value) {
        if (value == null || !value.matches("[0-9]{1,10}") || Long.parseLong(value) > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("FUSE option '" + option + "' needs a whole number, e.g. "
                    + option.split("=")[0] + "=131072");
        }
        return value;
    }

    private static String requireDecimal(String option, String value) {
        if (value == null || !value.matches("[0-9]+(\\.[0-9]+)?")) {
            throw new IllegalArgumentException("FUSE option '" + option + "' needs seconds, e.g. "
                    + option.split("=")[0] + "=1.0");
        }
        return value;
    }

    private static String join(Map<String, String> options) {
        return String.join(",", joinEach(options));
    }

    private static List<String> joinEach(Map<String, String> options) {
        List<String> joined = new ArrayList<>();
        options.forEach((key, value) -> joined.add((value != null) ? key + "=" + value : key));
        return joined;
    }

    /** {@code mount(2)} flags: MS_NOSUID, MS_NODEV, MS_RDONLY, ... */
    long flags() {
        return this.flags;
    }

    /**
     * The same mount as {@code fusermount3 -o} options: the flags by name ({@code rw}/{@code ro},
     * {@code nosuid}, {@code nodev}, ...) and the kernel data, without {@code fsname}/{@code subtype}
     * (the engine adds them). The helper itself sets {@code fd}, {@code rootmode}, {@code user_id} and
     * {@code group_id}, and refuses {@code suid}/{@code dev} for a normal user ("unsafe option ignored").
     */
    String helperOptions() {
        List<String> names = new ArrayList<>();
        names.add(((this.flags & Native.MS_RDONLY) != 0) ? "ro" : "rw");
        names.add(((this.flags & Native.MS_NOSUID) != 0) ? "nosuid" : "suid");
        names.add(((this.flags & Native.MS_NODEV) != 0) ? "nodev" : "dev");
        if ((this.flags & 8) != 0) {
            names.add("noexec");
        }
        if ((this.flags & 16) != 0) {
            names.add("sync");
        }
        if ((this.flags & 1024) != 0) {
            names.add("noatime");
        }
        if (!this.kernelData.isEmpty()) {
            names.add(this.kernelData);
        }
        return String.join(",", names);
    }

    /** Kernel mount data the user asked for, e.g. {@code allow_other,default_permissions}. */
    String kernelData() {
        return this.kernelData;
    }

    /**
     * The options of libfuse's names as the user gave them ({@code attr_timeout=1.5}, {@code use_ino},
     * {@code max_write=N}, ...), for the engine's session.
     */
    List<String> libraryOptions() {
        return this.libraryOptions;
    }

    /** Whether mounting over a non-empty directory was allowed. */
    boolean nonEmpty() {
        return this.nonEmpty;
    }

}
