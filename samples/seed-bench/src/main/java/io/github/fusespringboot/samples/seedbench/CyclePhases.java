// Where a cycle's wall time goes: the mean of each phase, summed over every worker's cycles.
package io.github.fusespringboot.samples.seedbench;

import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * The wall time of a cycle's phases, in the same split the C cycle prints ({@code phase_us=}): making
 * the directory, bringing the mount up and reading {@code /hello} through it ({@code up}: in C the
 * open of {@code /dev/fuse}, mount(2), {@code fuse_new}, the loop's thread, the read; here
 * {@code MountManager.mount}, which waits for INIT, and the read), taking it down ({@code down}: in C
 * umount2, the join of the loop and {@code fuse_destroy}; here {@code FuseMount.unmount}) and removing
 * the directory.
 */
final class CyclePhases {

    private final LongAdder mkdir = new LongAdder();

    private final LongAdder mount = new LongAdder();

    private final LongAdder read = new LongAdder();

    private final LongAdder down = new LongAdder();

    private final LongAdder rmdir = new LongAdder();

    /** One cycle's five instants: before mkdir, after it, after the mount, after the read, after the unmount, after rmdir. */
    void add(long start, long made, long mounted, long read, long unmounted, long removed) {
        this.mkdir.add(made - start);
        this.mount.add(mounted - made);
        this.read.add(read - mounted);
        this.down.add(unmounted - read);
        this.rmdir.add(removed - unmounted);
    }

    /** {@code mkdir=.. up=.. (mount .. read ..) down=.. rmdir=..}: mean microseconds per cycle. */
    String perCycle(int cycles) {
        double n = Math.max(cycles, 1) * 1000.0;
        return String.format(Locale.ROOT, "mkdir=%.0f up=%.0f (mount %.0f, read %.0f) down=%.0f rmdir=%.0f",
                this.mkdir.sum() / n, (this.mount.sum() + this.read.sum()) / n, this.mount.sum() / n,
                this.read.sum() / n, this.down.sum() / n, this.rmdir.sum() / n);
    }

}
