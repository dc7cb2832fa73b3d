package io.github.fusespringboot.context;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.github.fusespringboot.FuseFilesystem;
import io.github.fusespringboot.autoconfigure.FuseAutoConfiguration;
import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.FuseMountException;
import io.github.fusespringboot.mount.FuseTestExtension;
import io.github.fusespringboot.mount.MountPhase;
import io.github.fusespringboot.mount.natives.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.examples.HelloFuse;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

@ExtendWith({ FuseTestExtension.class, OutputCaptureExtension.class })
class MountFailureAnalyzerTests {

    private static final Path DIR = Path.of("/srv/fuse/data");

    private final MountFailureAnalyzer analyzer = new MountFailureAnalyzer();

    @Test
    void notPermittedKeepsTheEnginesAdviceWithTheFusermountStrategyAndTheRootlessPath() {
        FailureAnalysis analysis = analyze(new FuseMountException("data", DIR, MountPhase.MOUNT, Errno.EPERM,
                "mount(2) is not permitted", FuseMount.PRIVILEGE_ADVICE, null));
        assertThat(analysis.getDescription()).contains("'data'", DIR.toString(), "mount(2) is not permitted", "EPERM")
            .doesNotContain("fuse.mount-strategy");
        assertThat(analysis.getAction()).isEqualTo(FuseMount.PRIVILEGE_ADVICE + ".")
            .contains("root or CAP_SYS_ADMIN", "fuse.mount-strategy=fusermount",
                    "--device /dev/fuse --cap-add SYS_ADMIN", "unshare -Urm", "rootless Podman");
    }

    @Test
    void anAccessDeniedDeviceWithoutAdviceGetsThePrivilegeAdvice() {
        FailureAnalysis analysis = analyze(new FuseMountException("data", DIR, MountPhase.OPEN_DEVICE, Errno.EACCES,
                "not allowed to open /dev/fuse", null, null));
        assertThat(analysis.getAction()).contains("fuse.mount-strategy=fusermount", "unshare -Urm");
    }

    @Test
    void theEnginesAdviceIsNeverReplaced() {
        FailureAnalysis analysis = analyze(new FuseMountException("data", DIR, MountPhase.MOUNT, Errno.EPERM,
                "fusermount3 did not mount", "The helper runs with no_new_privs", null));
        assertThat(analysis.getAction()).isEqualTo("The helper runs with no_new_privs.");
    }

    @Test
    void aMissingDeviceAdvisesLoadingTheModuleOrPassingTheDevice() {
        FailureAnalysis analysis = analyze(new FuseMountException("data", DIR, MountPhase.OPEN_DEVICE, Errno.ENOENT,
                "/dev/fuse does not exist", null, null));
        assertThat(analysis.getDescription()).contains("/dev/fuse does not exist");
        assertThat(analysis.getAction()).contains("modprobe fuse", "--device /dev/fuse");
    }

    @Test
    void aMountPointProblemNamesTheDirectoryAndWhy() {
        FailureAnalysis analysis = analyze(new FuseMountException("data", DIR, MountPhase.VALIDATE, Errno.ENOENT,
                "the mount point does not exist",
                "Create the directory, or let the engine create it (createMountPoint)", null));
        assertThat(analysis.getDescription()).contains(DIR.toString(), "the mount point does not exist");
        assertThat(analysis.getAction()).contains("Create the directory");
    }

    @Test
    void severalFailuresAreAllDescribedAndEachCauseIsAdvisedOnce() {
        FuseMountException one = new FuseMountException("one", Path.of("/srv/one"), MountPhase.MOUNT, Errno.EPERM,
                "mount(2) is not permitted", null, null);
        FuseMountException two = new FuseMountException("two", Path.of("/srv/two"), MountPhase.MOUNT, Errno.EPERM,
                "mount(2) is not permitted", null, null);
        FuseMountException three = new FuseMountException("three", Path.of("/srv/three"), MountPhase.VALIDATE, 0,
                "the mount point is not empty", "Empty it", null);
        FailureAnalysis analysis = analyze(new MountsFailedException(List.of(one, two, three), List.of("four")));
        assertThat(analysis.getDescription()).contains("3 FUSE mounts failed", "/srv/one", "/srv/two", "/srv/three",
                "four");
        assertThat(analysis.getAction()).contains("For 'one', 'two':", "For 'three': Empty it");
        assertThat(analysis.getAction().split("--cap-add", -1)).hasSize(2);
    }

    @Test
    void unrelatedFailuresAreLeftToOtherAnalyzers() {
        assertThat(this.analyzer.analyze(new IllegalStateException("something else"))).isNull();
    }

    @Test
    void isRegisteredWithSpringBoot() {
        // other analyzers need constructor arguments that only Boot provides: skip those
        assertThat(SpringFactoriesLoader.forDefaultResourceLocation()
            .load(FailureAnalyzer.class, (type, implementation, failure) -> {
            })).hasAtLeastOneElementOfType(MountFailureAnalyzer.class);
    }

    @Test
    void aFailedMountIsReportedAsApplicationFailedToStart(FuseTestExtension.Fixture fx, CapturedOutput output)
            throws Exception {
        Path file = Files.writeString(fx.path("file"), "not a directory");
        SpringApplication application = new SpringApplication(MountOnAFile.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        assertThatException().isThrownBy(() -> application.run("--test.root=" + fx.root()));
        assertThat(output).contains("APPLICATION FAILED TO START", "A FUSE mount failed:",
                "FUSE mount 'onAFile' on " + file, "the mount point is not a directory", "Action:",
                "Point it at a directory");
        assertThat(MountInfo.fuseMountsUnder(fx.root())).isEmpty();
    }

    private FailureAnalysis analyze(Throwable failure) {
        FailureAnalysis analysis = this.analyzer
            .analyze(new IllegalStateException("Failed to start bean 'fuseLifecycle'", failure));
        assertThat(analysis).isNotNull();
        return analysis;
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(FuseAutoConfiguration.class)
    static class MountOnAFile {

        @Bean
        @FuseFilesystem(mountPoint = "${test.root}/file")
        HelloFuse onAFile() {
            return new HelloFuse();
        }

    }

}
