package io.github.fusespringboot.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.MountManager;
import io.github.fusespringboot.mount.MountSpec;
import io.github.fusespringboot.mount.MountState;
import io.github.fusespringboot.mount.MountTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @SpringBootTest} with {@code @FuseMountTest}: the application's {@code @FuseFilesystem} bean
 * is mounted below a temporary directory instead of its configured mount point, the test finds it by
 * name (or by the property), and once the class is done its context is closed and nothing is left.
 */
@FuseMountTest
@SpringBootTest(classes = GreetingApplication.class)
class FuseMountSpringBootTests {

    @Value("${fuse.mounts.greeting.mount-point}")
    private Path greeting;

    @Autowired
    private MountManager manager;

    @Test
    void mountsTheBeanBelowATemporaryDirectoryInsteadOfItsMountPoint(FuseMounts mounts) throws IOException {
        assertThat(mounts.mountPoint("greeting")).isEqualTo(this.greeting);
        assertThat(this.greeting).startsWith(TestDirectories.root())
            .isNotEqualTo(Path.of(GreetingApplication.CONFIGURED_MOUNT_POINT));
        assertThat(Files.readString(this.greeting.resolve("hello.txt")))
            .isEqualTo("Hello from a @FuseFilesystem bean\n");
        FuseMount mount = this.manager.find("greeting").orElseThrow();
        assertThat(mount.state()).isEqualTo(MountState.MOUNTED);
        assertThat(MountTable.read().find(this.greeting).orElseThrow().source()).isEqualTo("fuse-spring-boot:greeting");
    }

    @Test
    void closesTheContextAfterTheClassAndLeavesNothingBehind() {
        TestClassRun run = TestClassRun.of(RemembersItsContext.class);

        assertThat(run.outcome("reads").status()).as(run.outcomes().toString()).isEqualTo("SUCCESSFUL");
        assertThat(run.outcome("RemembersItsContext").status()).isEqualTo("SUCCESSFUL");
        assertThat(RemembersItsContext.context.isActive()).as("the context is closed").isFalse();
        assertThat(MountTable.read().find(RemembersItsContext.mountPoint)).isEmpty();
        assertThat(RemembersItsContext.mountPoint.getParent()).as("the temporary directory").doesNotExist();
    }

    @Test
    void aMountTheContextLeavesBehindFailsTheClass() {
        TestClassRun run = TestClassRun.of(ContextLeaksAMount.class);

        assertThat(run.outcome("starts").status()).as(run.outcomes().toString()).isEqualTo("SUCCESSFUL");
        TestClassRun.Outcome container = run.outcome("ContextLeaksAMount");
        assertThat(container.status()).isEqualTo("FAILED");
        Path leaked = RunawayMount.mountPoint;
        assertThat(container.detail()).contains("left FUSE state behind after it was closed",
                "mount " + leaked + " (fuse-spring-boot:runaway; aborted and detached)");
        assertThat(MountTable.read().find(leaked)).isEmpty();
    }

    @Test
    void aContextPerMethodGetsADirectoryEachAndAllAreRemovedAfterTheClass() {
        TestClassRun run = TestClassRun.of(ContextPerMethod.class);

        assertThat(run.outcome("first").status()).as(run.outcomes().toString()).isEqualTo("SUCCESSFUL");
        assertThat(run.outcome("second").status()).isEqualTo("SUCCESSFUL");
        assertThat(run.outcome("ContextPerMethod").status()).isEqualTo("SUCCESSFUL");
        assertThat(ContextPerMethod.mountPoints).hasSize(2).doesNotHaveDuplicates();
        for (Path mountPoint : ContextPerMethod.mountPoints) {
            assertThat(MountTable.read().find(mountPoint)).isEmpty();
            assertThat(mountPoint.getParent()).doesNotExist();
        }
    }

    @AfterEach
    void releaseTheRunawayMount() {
        RunawayMount.release();
    }

    /** Reads the redirected mount and keeps its context and mount point for the outer test to look at. */
    @FuseMountTest
    @SpringBootTest(classes = GreetingApplication.class)
    static class RemembersItsContext {

        static volatile ConfigurableApplicationContext context;

        static volatile Path mountPoint;

        @Autowired
        private ConfigurableApplicationContext applicationContext;

        @Test
        void reads(FuseMounts mounts) throws IOException {
            context = this.applicationContext;
            mountPoint = mounts.mountPoint("greeting");
            assertThat(Files.readString(mountPoint.resolve("hello.txt"))).startsWith("Hello");
        }

    }

    /** A fresh context for each method: each is redirected to a directory of its own. */
    @FuseMountTest
    @SpringBootTest(classes = GreetingApplication.class)
    @DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
    static class ContextPerMethod {

        static final List<Path> mountPoints = new CopyOnWriteArrayList<>();

        @Test
        void first(FuseMounts mounts) throws IOException {
            read(mounts);
        }

        @Test
        void second(FuseMounts mounts) throws IOException {
            read(mounts);
        }

        private static void read(FuseMounts mounts) throws IOException {
            Path mountPoint = mounts.mountPoint("greeting");
            assertThat(Files.readString(mountPoint.resolve("hello.txt"))).startsWith("Hello");
            mountPoints.add(mountPoint);
        }

    }

    /** A context with a bean that mounts, below the context's directory, through a manager of its own. */
    @FuseMountTest
    @SpringBootTest(classes = { GreetingApplication.class, RunawayMount.class })
    static class ContextLeaksAMount {

        @Test
        void starts() {
            assertThat(RunawayMount.mountPoint).isNotNull();
        }

    }

    /** Mounts when created and never unmounts: the context does not know the mount, so closing it leaves it. */
    static class RunawayMount {

        static volatile MountManager manager;

        static volatile Path mountPoint;

        RunawayMount(@Value("${fuse.mounts.greeting.mount-point}") Path greeting) {
            mountPoint = greeting.resolveSibling("runaway");
            manager = new MountManager();
            manager.mount(MountSpec.builder("runaway", mountPoint, new HelloFilesystem("x"))
                .createMountPoint(true)
                .mountStrategy(FuseAvailability.current().strategy())
                .build());
        }

        static void release() {
            if (manager != null) {
                manager.close();
                manager = null;
            }
        }

    }

}
