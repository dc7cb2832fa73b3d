package io.github.fusespringboot.context;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.fusespringboot.FuseFilesystem;
import io.github.fusespringboot.autoconfigure.FuseAutoConfiguration;
import io.github.fusespringboot.mount.FuseTestExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.examples.HelloFuse;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The keep-alive thread: a non-web application (no web server, nothing else holding the JVM) in a
 * child JVM is kept running and serving by its declared mount after {@code main} returns, and SIGTERM
 * unmounts it cleanly; in this JVM, the thread's life follows the lifecycle's.
 */
@ExtendWith(FuseTestExtension.class)
class FuseLifecycleKeepAliveTests {

    /** What the JVM exits with after SIGTERM once its shutdown hooks are done: 128 + 15. */
    private static final int EXIT_AFTER_SIGTERM = 143;

    @Test
    @Timeout(100)
    void aNonWebApplicationStaysUpWhileMountedAndUnmountsCleanlyOnSigterm(FuseTestExtension.Fixture fx)
            throws Exception {
        Path mountPoint = fx.path("hello");
        try (Child child = Child.start(fx, mountPoint)) {
            child.awaitLine(KeepAliveApplication.MAIN_RETURNED, 60);
            // main has returned: from here only a non-daemon thread keeps the JVM (and the mount) up
            assertThat(child.process.waitFor(2, TimeUnit.SECONDS)).as("the application exited after main returned:%n%s",
                    child.output())
                .isFalse();
            assertThat(Files.readString(mountPoint.resolve("hello"))).isEqualTo("Hello World!");
            assertThat(MountInfo.isMounted(mountPoint)).isTrue();

            // SIGTERM; Process.destroy() would also close our end of the child's output
            assertThat(child.process.toHandle().destroy()).isTrue();
            assertThat(child.process.waitFor(30, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
            child.awaitEndOfOutput();
            assertThat(child.process.exitValue()).as(child.output()).isEqualTo(EXIT_AFTER_SIGTERM);
            assertThat(child.output()).contains("Mounted 1 of 1 FUSE filesystem(s)")
                .contains("Unmounted 1 FUSE filesystem(s)")
                .doesNotContain("could not be unmounted")
                .doesNotContain("Exception");
        }
        assertThat(MountInfo.fuseMountsUnder(fx.root())).isEmpty();
    }

    @Test
    @Timeout(100)
    void withKeepAliveOffANonWebApplicationExitsOnceMainReturns(FuseTestExtension.Fixture fx) throws Exception {
        Path mountPoint = fx.path("hello");
        try (Child child = Child.start(fx, mountPoint, "--fuse.keep-alive=false")) {
            assertThat(child.process.waitFor(60, TimeUnit.SECONDS)).as("exited by itself").isTrue();
            child.awaitEndOfOutput();
            assertThat(child.process.exitValue()).as(child.output()).isZero();
            assertThat(child.output()).contains("Mounted 1 of 1 FUSE filesystem(s)")
                .contains(KeepAliveApplication.MAIN_RETURNED)
                .contains("Unmounted 1 FUSE filesystem(s)");
        }
        assertThat(MountInfo.fuseMountsUnder(fx.root())).isEmpty();
    }

    @Test
    void aNonDaemonThreadRunsWhileDeclaredMountsAreUpAndEndsWhenTheContextCloses(FuseTestExtension.Fixture fx)
            throws Exception {
        Thread[] kept = new Thread[1];
        runner(fx).withUserConfiguration(OneDeclared.class).run((context) -> {
            assertThat(context.getBean(FuseLifecycle.class).isKeepingAlive()).isTrue();
            Optional<Thread> thread = keepAliveThread();
            assertThat(thread).hasValueSatisfying((t) -> assertThat(t.isDaemon()).isFalse());
            kept[0] = thread.get();
        });
        kept[0].join(5_000);
        assertThat(kept[0].isAlive()).as("keep-alive thread still running after close").isFalse();
        assertThat(MountInfo.fuseMountsUnder(fx.root())).isEmpty();
    }

    @Test
    void whenStartupFailsAfterTheMountsTheKeepAliveThreadEndsWithThem(FuseTestExtension.Fixture fx)
            throws Exception {
        Thread[] kept = new Thread[1];
        runner(fx).withUserConfiguration(OneDeclared.class, FuseLifecycleTests.FailsAfterTheMounts.class)
            .withBean("watcher", SmartLifecycle.class, () -> new KeepAliveWatcher(kept))
            .run((context) -> assertThat(context).hasFailed());
        assertThat(kept[0]).as("the keep-alive thread ran once the mounts were up").isNotNull();
        kept[0].join(5_000);
        assertThat(kept[0].isAlive()).as("keep-alive thread left running after a failed startup").isFalse();
        assertThat(MountInfo.fuseMountsUnder(fx.root())).isEmpty();
    }

    @Test
    void withoutDeclaredMountsNothingIsKeptAlive(FuseTestExtension.Fixture fx) {
        runner(fx).run((context) -> {
            assertThat(context.getBean(FuseLifecycle.class).isKeepingAlive()).isFalse();
            assertThat(keepAliveThread()).isEmpty();
        });
    }

    @Test
    void keepAliveCanBeSwitchedOff(FuseTestExtension.Fixture fx) throws Exception {
        runner(fx).withUserConfiguration(OneDeclared.class).withPropertyValues("fuse.keep-alive=false").run((context) -> {
            assertThat(Files.readString(fx.path("kept").resolve("hello"))).isEqualTo("Hello World!");
            assertThat(context.getBean(FuseLifecycle.class).isKeepingAlive()).isFalse();
            assertThat(keepAliveThread()).isEmpty();
        });
    }

    private static ApplicationContextRunner runner(FuseTestExtension.Fixture fx) {
        return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(FuseAutoConfiguration.class))
            .withPropertyValues("test.root=" + fx.root());
    }

    private static Optional<Thread> keepAliveThread() {
        return Thread.getAllStackTraces()
            .keySet()
            .stream()
            .filter((thread) -> thread.isAlive() && thread.getName().equals(FuseLifecycleKeepAlive.THREAD_NAME))
            .findFirst();
    }

    @Configuration(proxyBeanMethods = false)
    static class OneDeclared {

        @Bean
        @FuseFilesystem(name = "kept", mountPoint = "${test.root}/kept")
        HelloFuse kept() {
            return new HelloFuse();
        }

    }

    /** Notes the keep-alive thread in the phase between the mounts and the failing web server. */
    private record KeepAliveWatcher(Thread[] kept) implements SmartLifecycle {

        @Override
        public void start() {
            this.kept[0] = keepAliveThread().orElse(null);
        }

        @Override
        public void stop() {
        }

        @Override
        public boolean isRunning() {
            return false;
        }

        @Override
        public int getPhase() {
            return Integer.MAX_VALUE - 3072;
        }

    }

    /** The child JVM, its output read line by line on a thread of its own. */
    private static final class Child implements AutoCloseable {

        private static final String END = "\u0000end";

        private final Process process;

        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        private final List<String> seen = Collections.synchronizedList(new ArrayList<>());

        private Child(Process process) {
            this.process = process;
            Thread reader = new Thread(this::read, "child-output");
            reader.setDaemon(true);
            reader.start();
        }

        static Child start(FuseTestExtension.Fixture fx, Path mountPoint, String... args) throws IOException {
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), KeepAliveApplication.class.getName(),
                    "--app.mount-point=" + mountPoint, "--spring.main.banner-mode=off"));
            command.addAll(List.of(args));
            return new Child(new ProcessBuilder(command).redirectErrorStream(true).start());
        }

        private void read() {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    this.seen.add(line);
                    this.lines.add(line);
                }
            }
            catch (IOException ex) {
                this.seen.add("(reading the output failed: " + ex + ")");
            }
            this.lines.add(END);
        }

        /** Waits, at most {@code seconds}, for a line containing {@code text}. */
        void awaitLine(String text, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                String line = this.lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                assertThat(line).as("waiting for \"%s\" in:%n%s", text, output()).isNotNull().isNotEqualTo(END);
                if (line.contains(text)) {
                    return;
                }
            }
        }

        /** Waits (bounded) until the child's output is read to its end. */
        void awaitEndOfOutput() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            String line;
            do {
                line = this.lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            }
            while (line != null && !line.equals(END));
        }

        String output() {
            synchronized (this.seen) {
                return String.join(System.lineSeparator(), this.seen);
            }
        }

        @Override
        public void close() throws InterruptedException {
            if (this.process.isAlive()) {
                this.process.destroyForcibly();
                this.process.waitFor(10, TimeUnit.SECONDS);
            }
        }

    }

}
