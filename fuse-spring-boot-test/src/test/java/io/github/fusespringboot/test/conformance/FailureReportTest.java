package io.github.fusespringboot.test.conformance;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.MountManager;
import io.github.fusespringboot.mount.MountSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opentest4j.AssertionFailedError;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * How the kit reports: against {@link WrongFilesystem}, mounted for real, each failure names the call
 * with its arguments, the expected and the actual result, errnos by name; skips say why.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FailureReportTest {

    private Path dir;

    private MountManager manager;

    private WrongFilesystem filesystem;

    private FuseMount mount;

    @BeforeEach
    void mountWrongFilesystem() throws Exception {
        this.dir = TestDirectories.fresh("wrong-");
        this.manager = new MountManager();
        this.filesystem = new WrongFilesystem();
        this.mount = this.manager.mount(MountSpec.builder("wrong", this.dir, this.filesystem).build());
    }

    @AfterEach
    void unmount() throws Exception {
        this.mount.close();
        this.manager.close();
        TestDirectories.delete(this.dir);
    }

    @Test
    void anUnexpectedErrnoNamesTheCallItsArgumentsAndBothErrnos() {
        ConformanceRun run = ConformanceRun.of(FuseConformance.at(this.dir)
            .supporting(Capability.CREATE_WRITE, Capability.DIRECTORIES)
            .tests());
        ConformanceRun.Verdict create = run
            .named("open(O_RDONLY|O_CREAT|O_EXCL) of a missing name creates an empty regular file");
        assertThat(create.status()).isEqualTo(ConformanceRun.Status.FAILED);
        assertThat(firstLine(create.message())).matches("open\\(\"" + this.dir + "/conformance-[0-9a-z]+-[0-9]+/f\", "
                + "O_RDONLY\\|O_CREAT\\|O_EXCL, 0644\\): expected success, actual -1 ENOENT \\(No such file or directory\\)");
        ConformanceRun.Verdict rmdir = run.named("rmdir of a non-empty directory fails with ENOTEMPTY and keeps it");
        assertThat(rmdir.status()).isEqualTo(ConformanceRun.Status.FAILED);
        assertThat(firstLine(rmdir.message())).matches("rmdir\\(\"" + this.dir + "/conformance-[0-9a-z]+-[0-9]+/d\"\\): "
                + "expected -1 ENOTEMPTY or EEXIST, actual -1 EIO \\(Input/output error\\)");
    }

    @Test
    void aWrongValueNamesWhatWasReadAfterWhichCallAndBothValues() {
        ConformanceRun run = ConformanceRun
            .of(FuseConformance.at(this.dir).supporting(Capability.CREATE_WRITE, Capability.DIRECTORIES).tests());
        ConformanceRun.Verdict mode = run.named("mkdir(0777) under umask 022 makes a directory of mode 0755");
        assertThat(mode.status()).isEqualTo(ConformanceRun.Status.FAILED);
        assertThat(firstLine(mode.message())).matches(
                "stat\\(\"" + this.dir + "/conformance-[0-9a-z]+-[0-9]+/d\"\\)\\.st_mode & 07777: expected 0755, actual 0777");
        assertThat(run.named("rmdir of an empty directory removes it").status()).isEqualTo(ConformanceRun.Status.PASSED);
    }

    @Test
    void aFailureSaysWhetherTheSameCheckPassesOnTheLocalControlDirectory() throws Exception {
        Path control = TestDirectories.fresh("control-");
        try {
            ConformanceRun run = ConformanceRun.of(FuseConformance.at(this.dir)
                .supporting(Capability.CREATE_WRITE)
                .withControl(control)
                .tests());
            assertThat(run.named("open(O_RDWR|O_CREAT) of a missing name creates an empty regular file").message())
                .endsWith("\n(the same check passes on the local control directory " + control
                        + ": what differs is the filesystem under test)");
            assertThat(control.toFile().list()).as("the control run cleans up after itself").isEmpty();
            ConformanceRun without = ConformanceRun
                .of(FuseConformance.at(this.dir).supporting(Capability.CREATE_WRITE).withoutControl().tests());
            assertThat(without.named("open(O_RDWR|O_CREAT) of a missing name creates an empty regular file").message())
                .doesNotContain("\n");
        }
        finally {
            TestDirectories.delete(control);
        }
    }

    @Test
    void checksOfAnUndeclaredCapabilityAreSkippedWithTheReason() {
        ConformanceRun run = ConformanceRun
            .of(FuseConformance.at(this.dir).supporting(Capability.CREATE_WRITE, Capability.RENAME).tests());
        assertThat(run.in(Capability.SYMLINKS)).isNotEmpty()
            .allSatisfy((v) -> assertThat(v.status()).isEqualTo(ConformanceRun.Status.SKIPPED))
            .allSatisfy((v) -> assertThat(v.message())
                .isEqualTo("capability SYMLINKS not declared in FuseConformance.supporting(...)"));
        assertThat(run.in(Capability.RENAME)).isNotEmpty()
            .allSatisfy((v) -> assertThat(v.status()).isEqualTo(ConformanceRun.Status.SKIPPED))
            .allSatisfy((v) -> assertThat(v.message()).startsWith("this RENAME check also needs DIRECTORIES"));
        assertThat(run.named("open(O_RDONLY|O_NOFOLLOW) of a symlink fails with ELOOP").message())
            .isEqualTo("this CREATE_WRITE check also needs SYMLINKS declared");
    }

    @Test
    void multiUserOnAMountWithoutAllowOtherAndDefaultPermissionsFailsNamingTheMissingOptions() {
        ConformanceRun run = ConformanceRun.of(FuseConformance.at(this.dir)
            .supporting(Capability.MULTI_USER, Capability.CREATE_WRITE, Capability.DIRECTORIES, Capability.PERMISSIONS,
                    Capability.TIMES)
            .tests());
        assertThat(run.in(Capability.MULTI_USER)).isNotEmpty()
            .filteredOn((v) -> v.status() != ConformanceRun.Status.SKIPPED)
            .isNotEmpty()
            .allSatisfy((v) -> assertThat(v.message()).startsWith("MULTI_USER is declared, but " + this.dir
                    + " is mounted without allow_other and default_permissions (its options: "));
    }

    @Test
    void aCheckStuckInTheFilesystemFailsAfterTheTimeoutInsteadOfHanging() throws Exception {
        // the kit looks at the mount point when made, so make it (and find the check) before getattr sticks
        DynamicNode readOnly = FuseConformance.at(this.dir)
            .supporting(Capability.READ_ONLY)
            .withTimeout(Duration.ofSeconds(1))
            .tests()
            .findFirst()
            .orElseThrow();
        DynamicTest first = (DynamicTest) ((DynamicContainer) readOnly).getChildren().findFirst().orElseThrow();
        assertThat(first.getDisplayName()).isEqualTo("stat of the mount point is a directory");
        CountDownLatch stuck = new CountDownLatch(1);
        this.filesystem.stuck = stuck;
        try {
            long started = System.nanoTime();
            assertThatExceptionOfType(AssertionFailedError.class).isThrownBy(() -> first.getExecutable().execute())
                .withMessageStartingWith("the check did not finish within PT1S: a call is stuck in the filesystem under test");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        }
        finally {
            this.filesystem.stuck = null;
            stuck.countDown();
            // the abandoned check's stat returns now; unmounting while it is still in flight would find the
            // mount busy and fall back to a lazy detach, so wait (bounded) for JUnit's timeout thread to end
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (timeoutThreadAlive() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        }
    }

    @Test
    void aMountPointThatIsNoDirectoryIsRefusedNamingIt() {
        Path missing = this.dir.resolveSibling("no-such-mount-point");
        assertThatIllegalArgumentException().isThrownBy(() -> FuseConformance.at(missing))
            .withMessage("FuseConformance.at(" + missing + "): not a directory; pass the mount point of a mounted filesystem");
    }

    private static boolean timeoutThreadAlive() {
        return Thread.getAllStackTraces()
            .keySet()
            .stream()
            .anyMatch((thread) -> thread.isAlive() && thread.getName().startsWith("junit-timeout-thread"));
    }

    private static String firstLine(String message) {
        return message.lines().findFirst().orElse("");
    }

}
