// How fast the buffer a read fills is cleared: jnr's own pointer against the one the engine hands filesystems.
package io.github.fusespringboot.samples.seedbench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.github.fusespringboot.mount.natives.NativeBuffer;
import jnr.ffi.Pointer;

/**
 * {@code --scenario=fill [--sizes=4096,65536,1048576] [--fills=2000] [--repeat=5]}: for each size,
 * {@code setMemory} over a page-aligned direct buffer through a plain jnr pointer (what jnr-fuse
 * filesystems got before: HotSpot's {@code Unsafe.setMemory}) and through the engine's data pointer
 * (libc's {@code memset} from 64 KiB on), alternating, {@code --fills} calls a run; prints the median
 * microseconds per fill of each and their ratio. No mount: this times user-space memory only, in a
 * warm JVM (the first run of each is left out).
 */
final class FillBench {

    private final ScenarioArguments args;

    private final PrintStream out;

    FillBench(ScenarioArguments args, PrintStream out) {
        this.args = args;
        this.out = out;
    }

    int run() {
        List<Integer> sizes = this.args.positives("sizes", "4096,65536,1048576");
        int fills = (int) this.args.positive("fills", 2000);
        int repeat = (int) this.args.positive("repeat", 5);
        for (int size : sizes) {
            NativeBuffer buffer = NativeBuffer.pageAligned(size, 0);
            Pointer plain = buffer.pointer(0, size);
            Pointer data = buffer.dataPointer(0, size);
            List<Double> plainMicros = new ArrayList<>();
            List<Double> dataMicros = new ArrayList<>();
            time(plain, size, fills);
            time(data, size, fills);
            for (int i = 0; i < repeat; i++) {
                plainMicros.add(time(plain, size, fills));
                dataMicros.add(time(data, size, fills));
            }
            double before = ThroughputBench.median(plainMicros);
            double after = ThroughputBench.median(dataMicros);
            this.out.printf(Locale.ROOT, "RESULT scenario=fill size=%d fills=%d jnr_us=%.2f engine_us=%.2f jnr/engine=%.2f%n",
                    size, fills, before, after, before / after);
        }
        return 0;
    }

    private static double time(Pointer pointer, int size, int fills) {
        long start = System.nanoTime();
        for (int i = 0; i < fills; i++) {
            pointer.setMemory(0, size, (byte) (i & 1));
        }
        return (System.nanoTime() - start) / 1e3 / fills;
    }

}
