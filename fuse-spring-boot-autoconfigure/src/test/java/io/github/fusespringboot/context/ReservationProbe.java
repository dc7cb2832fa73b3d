// A tiny application run in a child JVM whose descriptors 0, 1 and 2 were closed, to watch where FUSE descriptors land.
package io.github.fusespringboot.context;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.fusespringboot.FuseFilesystem;
import io.github.fusespringboot.autoconfigure.FuseAutoConfiguration;
import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.MountManager;
import io.github.fusespringboot.mount.MountSpec;
import ru.serce.jnrfuse.examples.HelloFuse;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Usage: {@code ReservationProbe <mount root> <report file>}. Boots a context with six declared mounts,
 * then mounts and unmounts more at runtime on four threads while another thread keeps starting child
 * processes, and samples descriptors 0-3 all along. Writes {@code key=value} lines to the report.
 */
public final class ReservationProbe {

    private ReservationProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        Path report = Path.of(args[1]);
        List<String> lines = new ArrayList<>();
        for (int fd = 0; fd <= 3; fd++) {
            lines.add("at-start-fd" + fd + "=" + target(fd));
        }
        AtomicBoolean sampling = new AtomicBoolean(true);
        AtomicInteger samples = new AtomicInteger();
        List<String> fuseOnLowDescriptor = new ArrayList<>();
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                for (int fd = 0; fd <= 3; fd++) {
                    if ("/dev/fuse".equals(target(fd))) {
                        synchronized (fuseOnLowDescriptor) {
                            fuseOnLowDescriptor.add(String.valueOf(fd));
                        }
                    }
                }
                samples.incrementAndGet();
            }
        }, "descriptor-sampler");
        sampler.setDaemon(true);
        sampler.start();
        int childFuseDescriptors;
        int runtimeCycles;
        int childProcesses;
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Declared.class)
            .web(WebApplicationType.NONE)
            .run("--test.root=" + root, "--spring.main.banner-mode=off", "--logging.level.root=WARN",
                    "--fuse.concurrency=4")) {
            for (int fd = 0; fd <= 3; fd++) {
                lines.add("after-start-fd" + fd + "=" + target(fd));
            }
            lines.add("declared-mounted=" + context.getBean(FuseLifecycle.class)
                .declaredMounts()
                .stream()
                .filter((mount) -> mount.mount().isPresent())
                .count());
            // a child started while filesystems are mounted must not hold a FUSE descriptor
            childFuseDescriptors = countLines(new ProcessBuilder("sh", "-c",
                    "ls -l /proc/$$/fd | grep -c /dev/fuse || true"));
            MountManager manager = context.getBean(MountManager.class);
            AtomicBoolean churning = new AtomicBoolean(true);
            AtomicInteger spawned = new AtomicInteger();
            Thread spawner = new Thread(() -> {
                while (churning.get() && spawned.get() < 200) {
                    try {
                        new ProcessBuilder("true").start().waitFor(10, TimeUnit.SECONDS);
                        spawned.incrementAndGet();
                    }
                    catch (IOException ex) {
                        throw new IllegalStateException(ex);
                    }
                    catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }, "process-spawner");
            spawner.start();
            ExecutorService workers = Executors.newFixedThreadPool(4);
            List<Future<Integer>> results = new ArrayList<>();
            for (int worker = 0; worker < 4; worker++) {
                int number = worker;
                results.add(workers.submit(() -> cycle(manager, root.resolve("runtime-" + number), number)));
            }
            runtimeCycles = 0;
            for (Future<Integer> result : results) {
                runtimeCycles += result.get(60, TimeUnit.SECONDS);
            }
            workers.shutdown();
            churning.set(false);
            spawner.join(30_000);
            childProcesses = spawned.get();
        }
        sampling.set(false);
        sampler.join(10_000);
        lines.add("child-fuse-descriptors=" + childFuseDescriptors);
        lines.add("runtime-cycles=" + runtimeCycles);
        lines.add("child-processes=" + childProcesses);
        lines.add("samples=" + samples.get());
        lines.add("fuse-on-low-descriptor=" + String.join(",", fuseOnLowDescriptor));
        lines.add("done=true");
        Files.write(report, lines);
        System.exit(0);
    }

    /** Mounts, reads (a descriptor inside the mount, as go-fuse's poll hack had) and unmounts, ten times. */
    private static int cycle(MountManager manager, Path dir, int number) throws IOException {
        HelloFuse filesystem = new HelloFuse();
        int done = 0;
        for (int i = 0; i < 10; i++) {
            try (FuseMount mount = manager.mount(MountSpec.builder("runtime-" + number, dir, filesystem)
                .createMountPoint(true)
                .build())) {
                if (!Files.readString(dir.resolve("hello")).equals("Hello World!")) {
                    throw new IllegalStateException("unexpected content in " + mount);
                }
            }
            done++;
        }
        return done;
    }

    private static int countLines(ProcessBuilder builder) throws Exception {
        Process process = builder.redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes()).trim();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the child process did not end");
        }
        return Integer.parseInt(output);
    }

    private static String target(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        }
        catch (IOException ex) {
            return "closed";
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(FuseAutoConfiguration.class)
    static class Declared {

        @Bean
        @FuseFilesystem(mountPoint = "${test.root}/a1")
        HelloFuse a1() {
            return new HelloFuse();
        }

        @Bean
        @FuseFilesystem(mountPoint = "${test.root}/a2")
        HelloFuse a2() {
            return new HelloFuse();
        }

        @Bean
        @FuseFilesystem(mountPoint = "${test.root}/a3")
        HelloFuse a3() {
            return new HelloFuse();
        }

        @Bean
        @FuseFilesystem(mountPoint = "${test.root}/b1", order = 1)
        HelloFuse b1() {
            return new HelloFuse();
        }

        @Bean
        @FuseFilesystem(mountPoint = "${test.root}/b2", order = 1)
        HelloFuse b2() {
            return new HelloFuse();
        }

        @Bean
        @FuseFilesystem(mountPoint = "${test.root}/b3", order = 1)
        HelloFuse b3() {
            return new HelloFuse();
        }

    }

}
