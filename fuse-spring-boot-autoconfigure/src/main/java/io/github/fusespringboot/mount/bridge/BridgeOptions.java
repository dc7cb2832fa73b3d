// The libfuse high-level options (lib/fuse.c names and defaults) the protocol engine honours.
package io.github.fusespringboot.mount.bridge;

import java.util.List;

/**
 * Options users already pass to libfuse, with libfuse's defaults: {@code entry_timeout=1},
 * {@code attr_timeout=1}, {@code negative_timeout=0}, {@code use_ino}, {@code readdir_ino},
 * {@code umask}, {@code uid}, {@code gid}, {@code direct_io}, {@code kernel_cache},
 * {@code auto_cache} (the cache is kept across opens while mtime and size stay the same),
 * {@code hard_remove}, and the sizes ({@code max_write}, default 1 MiB here; {@code max_readahead},
 * {@code max_background}, {@code congestion_threshold}); and, for this engine only,
 * {@code writeback_cache} (libfuse 3's name: the kernel buffers writes and sends them in large
 * batches) and {@code readdirplus=no|yes|auto} (libfuse 3's name and values; default no).
 * {@code allow_root} (allow_other in the kernel) makes the engine refuse, as libfuse does, every
 * caller but the mount's owner and root. Options only libfuse2 itself needs
 * ({@code big_writes}, splice, {@code debug}, ...) are accepted and ignored.
 */
public record BridgeOptions(long entryTimeoutNanos, long attrTimeoutNanos, long negativeTimeoutNanos,
        boolean useIno, boolean readdirIno, int umask, boolean setMode, int uid, boolean setUid, int gid,
        boolean setGid, boolean directIo, boolean kernelCache, boolean autoCache, boolean hardRemove, int maxWrite,
        int maxReadahead, int maxBackground, int congestionThreshold, boolean syncRead, boolean atomicOTrunc,
        boolean writebackCache, ReaddirPlusMode readdirPlus, boolean allowRoot) {

    /** {@code readdirplus=no|yes|auto}: off, on for every READDIR, or as the kernel's heuristic decides. */
    public enum ReaddirPlusMode {
        NO, YES, AUTO
    }

    /** The default max_write of the protocol engine: 1 MiB, 256 pages. */
    public static final int DEFAULT_MAX_WRITE = 1 << 20;

    /**
     * Parses {@code key} / {@code key=value} options as {@code MountOptions} has already checked them.
     * @throws IllegalArgumentException for a value out of range
     */
    public static BridgeOptions parse(List<String> options) {
        long entry = 1_000_000_000L;
        long attr = 1_000_000_000L;
        long negative = 0;
        boolean useIno = false;
        boolean readdirIno = false;
        int umask = 0;
        boolean setMode = false;
        int uid = 0;
        boolean setUid = false;
        int gid = 0;
        boolean setGid = false;
        boolean directIo = false;
        boolean kernelCache = false;
        boolean autoCache = false;
        boolean hardRemove = false;
        int maxWrite = DEFAULT_MAX_WRITE;
        int readahead = Integer.MAX_VALUE;
        int background = 0;
        int congestion = 0;
        boolean syncRead = false;
        boolean atomicOTrunc = true;
        boolean writebackCache = false;
        ReaddirPlusMode readdirPlus = ReaddirPlusMode.NO;
        boolean allowRoot = false;
        for (String option : options) {
            int eq = option.indexOf('=');
            String key = (eq < 0) ? option : option.substring(0, eq);
            String value = (eq < 0) ? null : option.substring(eq + 1);
            switch (key) {
                case "entry_timeout" -> entry = seconds(value);
                case "attr_timeout" -> attr = seconds(value);
                case "negative_timeout" -> negative = seconds(value);
                case "use_ino" -> useIno = true;
                case "readdir_ino" -> readdirIno = true;
                case "umask" -> {
                    umask = Integer.parseInt(value, 8);
                    setMode = true;
                }
                case "uid" -> {
                    uid = (int) Long.parseLong(value);
                    setUid = true;
                }
                case "gid" -> {
                    gid = (int) Long.parseLong(value);
                    setGid = true;
                }
                case "direct_io" -> directIo = true;
                case "kernel_cache" -> kernelCache = true;
                case "auto_cache" -> autoCache = true;
                case "noauto_cache" -> autoCache = false;
                case "hard_remove" -> hardRemove = true;
                case "max_write" -> maxWrite = (int) Math.min(Long.parseLong(value), Integer.MAX_VALUE / 2);
                case "max_readahead" -> readahead = (int) Math.min(Long.parseLong(value), Integer.MAX_VALUE);
                case "max_background" -> background = (int) Math.min(Long.parseLong(value), 0xFFFF);
                case "congestion_threshold" -> congestion = (int) Math.min(Long.parseLong(value), 0xFFFF);
                case "sync_read" -> syncRead = true;
                case "async_read" -> syncRead = false;
                case "writeback_cache" -> writebackCache = true;
                case "allow_root" -> allowRoot = true;
                case "readdirplus" -> readdirPlus = ReaddirPlusMode.valueOf(value.toUpperCase(java.util.Locale.ROOT));
                default -> {
                    // libfuse's names that MountOptions accepts and the engine has no use for (big_writes, splice_*, debug, ...)
                }
            }
        }
        return new BridgeOptions(entry, attr, negative, useIno, readdirIno, umask, setMode, uid, setUid, gid, setGid,
                directIo, kernelCache, autoCache, hardRemove, maxWrite, readahead, background, congestion, syncRead,
                atomicOTrunc, writebackCache, readdirPlus, allowRoot);
    }

    private static long seconds(String value) {
        return (long) (Double.parseDouble(value) * 1_000_000_000L);
    }

}
