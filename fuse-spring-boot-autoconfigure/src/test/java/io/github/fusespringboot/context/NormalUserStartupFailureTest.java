package io.github.fusespringboot.context;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.github.fusespringboot.mount.ChildJvm;
import io.github.fusespringboot.mount.FuseTestExtension;
import io.github.fusespringboot.mount.natives.Native;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * A normal user ({@value ChildJvm#USER}) starts the application with the default strategy, in a child
 * JVM: Boot's report must keep the engine's way out (the fusermount strategy, the rootless-container
 * path) for both refusals a normal user meets. Which one depends on the device's mode, so the child
 * gets its own {@code /dev/fuse} (same device, mode of the test's choosing) in a private mount
 * namespace; the host's device is not touched.
 */
@ExtendWith(FuseTestExtension.class)
class NormalUserStartupFailureTest {

    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);

    private static ChildJvm.UserClasspath classpath;

    @BeforeAll
    static void prepare() throws Exception {
        assumeThat(Native.effectiveUid()).as("these tests create the user " + ChildJvm.USER
                + " and switch to it with setpriv, which needs root; not root, so they are skipped")
            .isZero();
        ChildJvm.ensureUser();
        classpath = ChildJvm.UserClasspath.create();
    }

    @AfterAll
    static void removeClasspath() throws Exception {
        if (classpath != null) {
            classpath.close();
        }
    }

    @Test
    void accessDeniedOpeningTheDeviceNamesTheFusermountStrategyAndTheRootlessPath(FuseTestExtension.Fixture fx)
            throws Exception {
        // crw------- root, as on this kind of VM: open(2) says EACCES before mount(2) is tried
        ChildJvm.Result child = start(fx, "0600");
        assertThat(child.output()).contains("FUSE mount 'data' on " + fx.root().resolve("data")
                + " failed while opening /dev/fuse: not allowed to open /dev/fuse (running as uid", "EACCES");
        assertPrivilegeReport(child);
    }

    @Test
    void mountNotPermittedNamesTheFusermountStrategyAndTheRootlessPath(FuseTestExtension.Fixture fx)
            throws Exception {
        // crw-rw-rw-, the distributions' mode: open(2) works, mount(2) says EPERM
        ChildJvm.Result child = start(fx, "0666");
        assertThat(child.output()).contains("FUSE mount 'data' on " + fx.root().resolve("data")
                + " failed while mount(2): mount(2) is not permitted (running as uid", "EPERM");
        assertPrivilegeReport(child);
    }

    private static ChildJvm.Result start(FuseTestExtension.Fixture fx, String deviceMode) throws Exception {
        ChildJvm.openForUser(fx.root());
        ChildJvm.ownedByUser(fx.root().resolve("data"));
        Path work = ChildJvm.ownedByUser(fx.root().resolve("work"));
        return ChildJvm.create()
            .withFuseDevice(Files.createDirectories(fx.root().resolve("device")), deviceMode)
            .asUser(classpath)
            .run(work, CHILD_TIMEOUT, StartupChild.class, "stub", "--test.root=" + fx.root());
    }

    private static void assertPrivilegeReport(ChildJvm.Result child) {
        assertThat(child.exitStatus()).as(child.output()).isNotZero();
        assertThat(child.output()).as(child.output())
            .contains("APPLICATION FAILED TO START", "Action:", "root or CAP_SYS_ADMIN",
                    "fuse.mount-strategy=fusermount", "fuse.mount-strategy=direct-then-fusermount",
                    "fuse.mounts.<name>.mount-strategy", "--device /dev/fuse --cap-add SYS_ADMIN",
                    "user namespace", "rootless Podman", "unshare -Urm", "never falls back")
            .doesNotContain("STARTED")
            .doesNotContainPattern("(?m)^\\s+at [a-z]");
        String action = child.output().substring(child.output().indexOf("Action:"));
        assertThat(action).as("the advice is given once").containsOnlyOnce("fuse.mount-strategy=fusermount");
    }

}
