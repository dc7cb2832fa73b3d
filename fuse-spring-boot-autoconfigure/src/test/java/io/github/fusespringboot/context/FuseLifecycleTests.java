package io.github.fusespringboot.context;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import io.github.fusespringboot.FuseFilesystem;
import io.github.fusespringboot.autoconfigure.FuseAutoConfiguration;
import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.FuseMountException;
import io.github.fusespringboot.mount.FuseTestExtension;
import io.github.fusespringboot.mount.MountManager;
import io.github.fusespringboot.mount.MountPhase;
import io.github.fusespringboot.mount.MountSpec;
import io.github.fusespringboot.mount.MountState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.examples.HelloFuse;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/** Real mounts through the auto-configured lifecycle: order, concurrency, failures and shutdown. */
@ExtendWith(FuseTestExtension.class)
class FuseLifecycleTests {

    private final Timeline timeline = new Timeline();

    private ApplicationContextRunner runner(FuseTestExtension.Fixture fx) {
        return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(FuseAutoConfiguration.class))
            .withBean(Timeline.class, () -> this.timeline)
            .withPropertyValues("test.root=" + fx.root());
    }

    @Test
    void mountsGroupsInAscendingOrderEachConcurrentlyAndUnmountsThemInReverse(FuseTestExtension.Fixture fx) {
        runner(fx).withUserConfiguration(ThreeGroups.class).withPropertyValues("fuse.concurrency=2").run((context) -> {
            assertThat(context).hasNotFailed();
            List<DeclaredMount> declared = context.getBean(FuseLifecycle.class).declaredMounts();
            assertThat(declared).extracting(DeclaredMount::name)
                .containsExactly("firstA", "firstB", "middle", "lastA", "lastB");
            assertThat(declared).extracting(DeclaredMount::order).containsExactly(-1, -1, 0, 7, 7);
            assertThat(declared).allSatisfy((mount) -> {
                assertThat(mount.failure()).isEmpty();
                assertThat(mount.mount()).hasValueSatisfying(
                        (fuseMount) -> assertThat(fuseMount.state()).isEqualTo(MountState.MOUNTED));
                assertThat(MountInfo.isMounted(mount.spec().mountPoint())).isTrue();
            });
            assertThat(Files.readString(fx.path("middle").resolve("hello"))).isEqualTo("Hello World!");
        });
        assertThat(this.timeline.events()).noneMatch((event) -> event.what().endsWith("-alone"));
        // inside a group: both had started before either finished
        assertOverlap("mount", "firstA", "firstB");
        assertOverlap("mount", "lastA", "lastB");
        assertOverlap("unmount", "firstA", "firstB");
        assertOverlap("unmount", "lastA", "lastB");
        // between groups: strictly one after the other, and the reverse on the way down
        assertAllBefore("mount", names("firstA", "firstB"), names("middle"));
        assertAllBefore("mount", names("middle"), names("lastA", "lastB"));
        assertAllBefore("unmount", names("lastA", "lastB"), names("middle"));
        assertAllBefore("unmount", names("middle"), names("firstA", "firstB"));
        assertThat(MountInfo.fuseMountsUnder(fx.root())).isEmpty();
    }

    @Test
    void concurrencyBoundsHowManyMountsAreInFlight(FuseTestExtension.Fixture fx) {
        runner(fx).withUserConfiguration(ThreeInOneGroup.class).withPropertyValues("fuse.concurrency=1").run(
                (context) -> assertThat(context.getBean(FuseLifecycle.class).declaredMounts()).hasSize(3)
                    .allSatisfy((mount) -> assertThat(mount.mount()).isPresent()));
        assertThat(maxInFlight("mount")).isEqualTo(1);
        assertThat(MountInfo.fuseMountsUnder(fx.root())).isEmpty();
    }

    @Test
    void failFastFailsStartupListingEveryFailedMountAndUnmountsWhatWasMounted(FuseTestExtension.Fixture fx)
            throws Exception {
        Path file = Files.writeString(fx.path("file"), "not a directory");
        Path full = fx.dir("full");
        Files.writeString(full.resolve("keep"), "in the way");
        runner(fx).withUserConfiguration(GoodThenTwoBadThenNever.class).run((context) -> {
            assertThat(context).hasFailed();
            MountsFailedException failure = findCause(context.getStartupFailure(), MountsFailedException.class);
            assertThat(failure.failures()).extracting(FuseMountException::mountName)
                .containsExactly("notADirectory", "notEmpty");
            assertThat(failure.failures()).allSatisfy(
                    (cause) -> assertThat(cause.phase()).isEqualTo(MountPhase.VALIDATE));
            assertThat(failure.notAttempted()).containsExactly("never");
            assertThat(failure.getMessage()).contains("'notADirectory' on " + file, "'notEmpty' on " + full,
                    "not a directory", "not empty", "Not attempted (later order): never");
            FailureAnalysis analysis = new MountFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains(file.toString(), full.toString(), "never");
            assertThat(analysis.getAction()).contains("'notEmpty'").contains("nonempty");
        });
        assertThat(this.timeline.happened("good", "mount-end")).isTrue();
        assertThat(this.timeline.happened("good", "unmount-end")).isTrue();
        assertThat(this.timeline.happened("never", "mount-start")).isFalse();
        assertThat(MountInfo.fuseMountsUnder(fx.root())).isEmpty();
    }

    @Test
    void withoutFailFastTheApplicationStartsAndTheFailedMountIsReported(FuseTestExtension.Fixture fx)
            throws Exception {
        Path file = Files.writeString(fx.path("file"), "not a directory");
        runner(fx).withUserConfiguration(GoodThenTwoBadThenNever.class)
            .withPropertyValues("fuse.fail-fast=false", "fuse.mounts.notEmpty.enabled=false")
            .run((context) -> {
                assertThat(context).hasNotFailed();
                assertThat(context.getBean(FuseLifecycle.class).isRunning()).isTrue();
                List<DeclaredMount> declared = context.getBean(FuseLifecycle.class).declaredMounts();
                assertThat(declared).extracting(DeclaredMount::name).containsExactly("good", "notADirectory", "never");
                DeclaredMount bad = declared.get(1);
                assertThat(bad.mount()).isEmpty();
                assertThat(bad.failure()).hasValueSatisfying((failure) -> {
                    assertThat(failure.mountPoint()).isEqualTo(file);
                    assertThat(failure.errnoName()).isEqualTo("ENOTDIR");
                });
                // the groups after the failed one are mounted too
                assertThat(declared.get(2).mount()).hasValueSatisfying(
                        (mount) -> assertThat(mount.state()).isEqualTo(MountState.MOUNTED));
                assertThat(Files.readString(fx.path("good").resolve("hello"))).isEqualTo("Hello World!");
            });
        assertThat(this.timeline.happened("good", "unmount-end")).isTrue();
        assertThat(this.timeline.happened("never", "unmount-end")).isTrue();
        assertThat(MountInfo.fuseMountsUnder(fx.root())).isEmpty();
    }

    @Test
    void runtimeMountsAreUnmountedWhenTheContextClosesBeforeTheDeclaredOnes(FuseTestExtension.Fixture fx) {
        Path runtimeDir = fx.path("runtime");
        runner(fx).withUserConfiguration(OneDeclared.class).run((context) -> {
            MountManager manager = context.getBean(MountManager.class);
            FuseMount runtime = manager
                .mount(MountSpec.builder("runtime", runtimeDir, new RecordingFilesystem("runtime", this.timeline))
                    .createMountPoint(true)
                    .build());
            assertThat(runtime.state()).isEqualTo(MountState.MOUNTED);
            assertThat(Files.readString(runtimeDir.resolve("hello"))).isEqualTo("Hello World!");
            assertThat(manager.mounts()).extracting(FuseMount::name).containsExactlyInAnyOrder("declared", "runtime");
            assertThat(context.getBean(FuseLifecycle.class).declaredMounts()).extracting(DeclaredMount::name)
                .containsExactly("declared");
        });
        assertThat(this.timeline.at("runtime", "unmount-end")).isLessThan(this.timeline.at("declared",
                "unmount-start"));
        assertThat(MountInfo.fuseMountsUnder(fx.root())).isEmpty();
    }

    @Test
    void closingTheContextUnmountsBeforeAnyFilesystemBeanIsDestroyed(FuseTestExtension.Fixture fx) {
        runner(fx).withUserConfiguration(DestroyAware.class)
            .run((context) -> assertThat(MountInfo.isMounted(fx.path("aware"))).isTrue());
        assertThat(this.timeline.happened("aware", "bean-destroyed")).isTrue();
        assertThat(this.timeline.happened("aware", "bean-destroyed-while-mounted")).isFalse();
        assertThat(this.timeline.at("aware", "unmount-end")).isLessThan(this.timeline.at("aware", "bean-destroyed"));
    }

    @Test
    void aStartupFailureAfterTheMountsUnmountsThemBeforeAnyFilesystemBeanIsDestroyed(
            FuseTestExtension.Fixture fx) {
        runner(fx).withUserConfiguration(DestroyAware.class, FailsAfterTheMounts.class).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasRootCauseMessage("the web server could not start");
        });
        assertThat(this.timeline.happened("aware", "mount-end")).isTrue();
        assertThat(this.timeline.happened("aware", "bean-destroyed")).isTrue();
        assertThat(this.timeline.happened("aware", "bean-destroyed-while-mounted")).isFalse();
        assertThat(MountInfo.fuseMountsUnder(fx.root())).isEmpty();
    }

    @Test
    void stopCallsItsCallbackOnceAfterUnmounting(FuseTestExtension.Fixture fx) {
        runner(fx).withUserConfiguration(OneDeclared.class).run((context) -> {
            FuseLifecycle lifecycle = context.getBean(FuseLifecycle.class);
            List<Boolean> mountedAtCallback = new ArrayList<>();
            lifecycle.stop(() -> mountedAtCallback.add(MountInfo.isMounted(fx.path("declared"))));
            assertThat(mountedAtCallback).containsExactly(false);
            assertThat(lifecycle.isRunning()).isFalse();
            assertThat(lifecycle.declaredMounts().get(0).mount()).hasValueSatisfying(
                    (mount) -> assertThat(mount.state()).isEqualTo(MountState.UNMOUNTED));
        });
    }

    private static String[] names(String... names) {
        return names;
    }

    private void assertOverlap(String what, String... mounts) {
        long lastStart = Arrays.stream(mounts).mapToLong((mount) -> this.timeline.at(mount, what + "-start")).max()
            .getAsLong();
        long firstEnd = Arrays.stream(mounts).mapToLong((mount) -> this.timeline.at(mount, what + "-end")).min()
            .getAsLong();
        assertThat(lastStart).as("%s of %s overlap", what, Arrays.toString(mounts)).isLessThan(firstEnd);
    }

    private void assertAllBefore(String what, String[] earlier, String[] later) {
        long earlierEnd = Arrays.stream(earlier).mapToLong((mount) -> this.timeline.at(mount, what + "-end")).max()
            .getAsLong();
        long laterStart = Arrays.stream(later).mapToLong((mount) -> this.timeline.at(mount, what + "-start")).min()
            .getAsLong();
        assertThat(earlierEnd).as("%s of %s ends before %s starts", what, Arrays.toString(earlier),
                Arrays.toString(later)).isLessThan(laterStart);
    }

    private int maxInFlight(String what) {
        List<Timeline.Event> events = new ArrayList<>(this.timeline.events()
            .stream()
            .filter((event) -> event.what().equals(what + "-start") || event.what().equals(what + "-end"))
            .toList());
        events.sort(Comparator.comparingLong(Timeline.Event::nanos));
        int inFlight = 0;
        int max = 0;
        for (Timeline.Event event : events) {
            inFlight += event.what().endsWith("-start") ? 1 : -1;
            max = Math.max(max, inFlight);
        }
        return max;
    }

    static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in the causes of " + failure, failure);
    }

    @Configuration(proxyBeanMethods = false)
    static class ThreeGroups {

        private final CountDownLatch firstMounts = new CountDownLatch(2);

        private final CountDownLatch firstUnmounts = new CountDownLatch(2);

        private final CountDownLatch lastMounts = new CountDownLatch(2);

        private final CountDownLatch lastUnmounts = new CountDownLatch(2);

        @Bean
        @FuseFilesystem(mountPoint = "${test.root}/first-a", order = -1)
        RecordingFilesystem firstA(Timeline timeline) {
            return new RecordingFilesystem("firstA", timeline, this.firstMounts, this.firstUnmounts);
        }

        @Bean
        @FuseFilesystem(mountPoint = "${test.root}/first-b", order = -1)
        RecordingFilesystem firstB(Timeline timeline) {
            return new RecordingFilesystem("firstB", timeline, this.firstMounts, this.firstUnmounts);
        }

        @Bean
        @FuseFilesystem(mountPoint = "${test.root}/middle")
        RecordingFilesystem middle(Timeline timeline) {
            return new RecordingFilesystem("middle", timeline);
        }

        @Bean
        @FuseFilesystem(mountPoint = "${test.root}/last-a", order = 7)
        RecordingFilesystem lastA(Timeline timeline) {
            return new RecordingFilesystem("lastA", timeline, this.lastMounts, this.lastUnmounts);
        }

        @Bean
        @FuseFilesystem(mountPoint = "${test.root}/last-b", order = 7)
        RecordingFilesystem lastB(Timeline timeline) {
            return new RecordingFilesystem("lastB", timeline, this.lastMounts, this.lastUnmounts);
        }

    }

    /** Three mounts that would all meet in init if they were allowed to run at once. */
    @Configuration(proxyBeanMethods = false)
    static class ThreeInOneGroup {

        private final CountDownLatch mounts = new CountDownLatch(3);

        private final Duration wait = Duration.ofMillis(200);

        @Bean
        @FuseFilesystem(mountPoint = "${test.root}/one")
        RecordingFilesystem one(Timeline timeline) {
            return new RecordingFilesystem("one", timeline, this.mounts, null, this.wait);
        }

        @Bean
        @FuseFilesystem(mountPoint = "${test.root}/two")
        RecordingFilesystem two(Timeline timeline) {
            return new RecordingFilesystem("two", timeline, this.mounts, null, this.wait);
        }

        @Bean
        @FuseFilesystem(mountPoint = "${test.root}/three")
        RecordingFilesystem three(Timeline timeline) {
            return new RecordingFilesystem("three", timeline, this.mounts, null, this.wait);
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class GoodThenTwoBadThenNever {

        @Bean
        @FuseFilesystem(mountPoint = "${test.root}/good")
        RecordingFilesystem good(Timeline timeline) {
            return new RecordingFilesystem("good", timeline);
        }

        @Bean
        @FuseFilesystem(mountPoint = "${test.root}/file", order = 1)
        HelloFuse notADirectory() {
            return new HelloFuse();
        }

        @Bean
        @FuseFilesystem(mountPoint = "${test.root}/full", order = 1)
        HelloFuse notEmpty() {
            return new HelloFuse();
        }

        @Bean
        @FuseFilesystem(mountPoint = "${test.root}/never", order = 2)
        RecordingFilesystem never(Timeline timeline) {
            return new RecordingFilesystem("never", timeline);
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class OneDeclared {

        @Bean
        @FuseFilesystem(mountPoint = "${test.root}/declared")
        RecordingFilesystem declared(Timeline timeline) {
            return new RecordingFilesystem("declared", timeline);
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class DestroyAware {

        @Bean
        @FuseFilesystem(mountPoint = "${test.root}/aware")
        DestroyAwareFilesystem aware(Timeline timeline, org.springframework.core.env.Environment environment) {
            return new DestroyAwareFilesystem(timeline, Path.of(environment.getProperty("test.root"), "aware"));
        }

    }

    /** Notes whether its mount point was still mounted when Spring destroyed the bean. */
    static final class DestroyAwareFilesystem extends HelloFuse implements DisposableBean {

        private final Timeline timeline;

        private final Path mountPoint;

        private final RecordingFilesystem recorder;

        DestroyAwareFilesystem(Timeline timeline, Path mountPoint) {
            this.timeline = timeline;
            this.mountPoint = mountPoint;
            this.recorder = new RecordingFilesystem("aware", timeline);
        }

        @Override
        public jnr.ffi.Pointer init(jnr.ffi.Pointer conn) {
            return this.recorder.init(conn);
        }

        @Override
        public void destroy(jnr.ffi.Pointer initResult) {
            this.recorder.destroy(initResult);
        }

        @Override
        public void destroy() {
            this.timeline.record("aware",
                    MountInfo.isMounted(this.mountPoint) ? "bean-destroyed-while-mounted" : "bean-destroyed");
        }

    }

    /** A lifecycle after the mounts that fails to start, as a web server that cannot bind would. */
    @Configuration(proxyBeanMethods = false)
    static class FailsAfterTheMounts {

        @Bean
        SmartLifecycle webServerLike() {
            return new SmartLifecycle() {

                @Override
                public void start() {
                    throw new IllegalStateException("the web server could not start");
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
                    return Integer.MAX_VALUE - 2048;
                }

            };
        }

    }

}
