package io.github.fusespringboot.mount;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.github.fusespringboot.mount.natives.Errno;
import io.github.fusespringboot.mount.natives.Native;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import ru.serce.jnrfuse.examples.HelloFuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Every way a mount can be refused: a {@link FuseMountException} naming the mount, its directory,
 * the step and the problem, and nothing left behind (no mount, no /dev/fuse descriptor, no serving
 * thread, no directory the engine made, no entry in the manager).
 */
@ExtendWith(FuseTestExtension.class)
class MountFailureTest {

    private static final String VALIDATING = MountPhase.VALIDATE.description();

    @Test
    void mountingOnADirectoryThisManagerAlreadyMountedOnFailsAndKeepsTheFirstMount(FuseTestExtension.Fixture fx)
            throws Exception {
        Path dir = fx.dir("taken");
        try (FuseMount first = fx.manager().mount(MountSpec.builder("first", dir, new HelloFuse()).build())) {
            FuseMountException error = mountFails(fx, MountSpec.builder("second", dir, new HelloFuse()).build());

            assertThat(error.phase()).isEqualTo(MountPhase.VALIDATE);
            assertThat(error.mountName()).isEqualTo("second");
            assertThat(error.getMessage()).contains("'second'", dir.toString(), VALIDATING, "'first'",
                    "uses this directory already");
            assertThat(first.state()).isEqualTo(MountState.MOUNTED);
            assertThat(Files.readString(dir.resolve("hello"))).isEqualTo("Hello World!");
            assertThat(fx.manager().mounts()).containsExactly(first);
            assertThat(FuseTestExtension.openFuseDescriptors()).hasSize(1);
        }
    }

    @Test
    void mountingOnAFuseMountPointOfAnotherManagerFailsWithEbusy(FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("taken");
        try (MountManager other = new MountManager();
                FuseMount first = other.mount(MountSpec.builder("first", dir, new HelloFuse()).build())) {
            FuseMountException error = mountFails(fx, MountSpec.builder("second", dir, new HelloFuse()).build());

            assertThat(error.phase()).isEqualTo(MountPhase.VALIDATE);
            assertThat(error.errnoName()).isEqualTo("EBUSY");
            assertThat(error.getMessage()).contains("'second'", dir.toString(), VALIDATING,
                    "already a mount point", "fuse.fuse-spring-boot", "fuse-spring-boot:first");
            assertThat(fx.manager().mounts()).isEmpty();
            assertThat(Files.readString(dir.resolve("hello"))).isEqualTo("Hello World!");
            assertThat(FuseTestExtension.openFuseDescriptors()).hasSize(1);
        }
        assertNothingLeftBehind(fx);
    }

    @Test
    void mountingOnAForeignMountPointFailsAndNamesWhatIsMountedThere(FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("tmpfs");
        Native.mount("test-tmpfs", dir.toString(), "tmpfs", Native.MS_NOSUID | Native.MS_NODEV, "size=64k");
        try {
            FuseMountException error = mountFails(fx, MountSpec.builder("hello", dir, new HelloFuse()).build());

            assertThat(error.phase()).isEqualTo(MountPhase.VALIDATE);
            assertThat(error.errno()).isEqualTo(Errno.EBUSY);
            assertThat(error.getMessage()).contains("'hello'", dir.toString(), VALIDATING, "already a mount point",
                    "tmpfs", "umount " + dir);
            assertThat(MountTable.read().find(dir)).hasValueSatisfying((e) -> assertThat(e.type()).isEqualTo("tmpfs"));
        }
        finally {
            assertThat(Native.umount2(dir.toString(), 0)).isZero();
        }
        assertNothingLeftBehind(fx);
    }

    @Test
    void mountingOnAMissingDirectoryWithoutCreateMountPointFailsAndCreatesNothing(FuseTestExtension.Fixture fx)
            throws Exception {
        Path dir = fx.path("missing/mnt");

        FuseMountException error = mountFails(fx,
                MountSpec.builder("missing", dir, new HelloFuse()).createMountPoint(false).build());

        assertThat(error.phase()).isEqualTo(MountPhase.VALIDATE);
        assertThat(error.errnoName()).isEqualTo("ENOENT");
        assertThat(error.getMessage()).contains("'missing'", dir.toString(), VALIDATING, "does not exist",
                "createMountPoint");
        assertThat(fx.path("missing")).doesNotExist();
        assertNothingLeftBehind(fx);
    }

    @Test
    void mountingOnARegularFileFailsWithEnotdirAndKeepsTheFile(FuseTestExtension.Fixture fx) throws Exception {
        Path file = Files.writeString(fx.path("plain.txt"), "data");

        FuseMountException error = mountFails(fx,
                MountSpec.builder("file", file, new HelloFuse()).createMountPoint(true).build());

        assertThat(error.phase()).isEqualTo(MountPhase.VALIDATE);
        assertThat(error.errno()).isEqualTo(Errno.ENOTDIR);
        assertThat(error.getMessage()).contains("'file'", file.toString(), VALIDATING, "not a directory");
        assertThat(file).hasContent("data");
        assertNothingLeftBehind(fx);
    }

    @Test
    void mountingOnANonEmptyDirectoryFailsUnlessNonemptyIsGiven(FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("full");
        Path own = Files.writeString(dir.resolve("own.txt"), "mine");

        FuseMountException error = mountFails(fx, MountSpec.builder("full", dir, new HelloFuse()).build());

        assertThat(error.phase()).isEqualTo(MountPhase.VALIDATE);
        assertThat(error.getMessage()).contains("'full'", dir.toString(), VALIDATING, "not empty", "nonempty");
        assertThat(own).hasContent("mine");
        assertNothingLeftBehind(fx);

        // with the option it mounts over the files, and they are back afterwards
        try (FuseMount mount = fx.manager()
            .mount(MountSpec.builder("full", dir, new HelloFuse()).option("nonempty").build())) {
            assertThat(Files.exists(dir.resolve("own.txt"))).isFalse();
            assertThat(Files.readString(dir.resolve("hello"))).isEqualTo("Hello World!");
        }
        assertThat(own).hasContent("mine");
    }

    @ParameterizedTest
    @ValueSource(strings = { "/usr", "/usr/", "/var/../usr", "/", "/tmp", "/etc" })
    void mountingOnASystemDirectoryIsRefused(String systemDirectory, FuseTestExtension.Fixture fx) throws Exception {
        // (all of these are non-empty too, so even a broken check could not hide them)
        Path dir = Path.of(systemDirectory);

        FuseMountException error = mountFails(fx, MountSpec.builder("system", dir, new HelloFuse()).build());

        assertThat(error.phase()).isEqualTo(MountPhase.VALIDATE);
        assertThat(error.getMessage()).contains("'system'", dir.normalize().toString(), VALIDATING,
                "is a system directory");
        // only the refused directory itself: mounts of other test runs elsewhere on the host are not ours to judge
        String refused = dir.toAbsolutePath().normalize().toString();
        assertThat(MountTable.read().fuseMountsUnder(Path.of("/")))
            .noneMatch((e) -> e.mountPoint().equals(refused) && e.source().startsWith(FuseMount.SOURCE_PREFIX));
        assertNothingLeftBehind(fx);
    }

    @Test
    void mountingThroughASymbolicLinkToASystemDirectoryIsRefused(FuseTestExtension.Fixture fx) throws Exception {
        Path link = Files.createSymbolicLink(fx.path("usr-link"), Path.of("/usr"));

        FuseMountException error = mountFails(fx, MountSpec.builder("linked", link, new HelloFuse()).build());

        assertThat(error.phase()).isEqualTo(MountPhase.VALIDATE);
        assertThat(error.getMessage()).contains("'linked'", "/usr is a system directory", VALIDATING);
        assertNothingLeftBehind(fx);
    }

    @Test
    void mountingOnARelativePathIsRefusedAndCreatesNothing(FuseTestExtension.Fixture fx) throws Exception {
        Path relative = Path.of("fuse-relative-test/mnt");

        FuseMountException error = mountFails(fx,
                MountSpec.builder("relative", relative, new HelloFuse()).createMountPoint(true).build());

        assertThat(error.phase()).isEqualTo(MountPhase.VALIDATE);
        assertThat(error.getMessage()).contains("'relative'", "'fuse-relative-test/mnt'", VALIDATING,
                "not an absolute path");
        assertThat(Path.of("fuse-relative-test")).doesNotExist();
        assertNothingLeftBehind(fx);
    }

    @ParameterizedTest
    @ValueSource(strings = { "no_such_option", "allow_other=yes", "max_read=lots", "fd=5", "rootmode=0",
            "attr_timeout=soon" })
    void anUnknownOrMalformedOptionIsRefusedBeforeTheMountPointIsCreated(String option,
            FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.path("opt/mnt");

        FuseMountException error = mountFails(fx,
                MountSpec.builder("opts", dir, new HelloFuse()).createMountPoint(true).option(option).build());

        assertThat(error.phase()).isEqualTo(MountPhase.VALIDATE);
        assertThat(error.getMessage()).contains("'opts'", dir.toString(), VALIDATING, "FUSE option '" + option + "'");
        assertThat(fx.path("opt")).doesNotExist();
        assertNothingLeftBehind(fx);
    }

    @Test
    void aFilesystemWhoseInitThrowsFailsTheMountAndTheCreatedDirectoriesAreRemoved(FuseTestExtension.Fixture fx)
            throws Exception {
        // init runs after mkdir, open(/dev/fuse), the session and mount(2): everything must be undone
        Path dir = fx.path("made/for/init");

        FuseMountException error = mountFails(fx,
                MountSpec.builder("init-fails", dir, new InitFailingFs()).createMountPoint(true).build());

        assertThat(error.phase()).isEqualTo(MountPhase.INIT);
        assertThat(error.getMessage()).contains("'init-fails'", dir.toString(), MountPhase.INIT.description(),
                "init refused by the test");
        assertThat(error.getCause()).isInstanceOf(IllegalStateException.class).hasMessage("init refused by the test");
        assertThat(fx.path("made")).as("the directories the engine created").doesNotExist();
        assertNothingLeftBehind(fx);

        // and the manager forgot it: the name and the directory can be used right away
        try (FuseMount mount = fx.manager()
            .mount(MountSpec.builder("init-fails", dir, new HelloFuse()).createMountPoint(true).build())) {
            assertThat(Files.readString(dir.resolve("hello"))).isEqualTo("Hello World!");
        }
        assertThat(fx.path("made")).doesNotExist();
    }

    @Test
    void aFilesystemWhoseInitThrowsLeavesACallerMadeDirectoryInPlace(FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("callers");

        FuseMountException error = mountFails(fx, MountSpec.builder("init-fails", dir, new InitFailingFs()).build());

        assertThat(error.phase()).isEqualTo(MountPhase.INIT);
        assertThat(dir).isEmptyDirectory();
        assertNothingLeftBehind(fx);
    }

    @Test
    void aSecondMountWithTheSameNameIsRefused(FuseTestExtension.Fixture fx) throws Exception {
        try (FuseMount first = fx.manager().mount(MountSpec.builder("same", fx.dir("a"), new HelloFuse()).build())) {
            FuseMountException error = mountFails(fx,
                    MountSpec.builder("same", fx.dir("b"), new HelloFuse()).build());

            assertThat(error.phase()).isEqualTo(MountPhase.VALIDATE);
            assertThat(error.getMessage()).contains("'same'", fx.path("b").toString(), "name exists already");
            assertThat(fx.manager().mounts()).containsExactly(first);
            assertThat(MountTable.read().find(fx.path("b"))).isEmpty();
        }
    }

    private static FuseMountException mountFails(FuseTestExtension.Fixture fx, MountSpec spec) {
        FuseMountException error = catchThrowableOfType(() -> fx.manager().mount(spec), FuseMountException.class);
        assertThat(error).as("mounting " + spec + " must fail").isNotNull();
        assertThat(error.mountName()).isEqualTo(spec.name());
        return error;
    }

    private static void assertNothingLeftBehind(FuseTestExtension.Fixture fx) throws Exception {
        assertThat(fx.manager().mounts()).isEmpty();
        List<String> leaks = FuseTestExtension.leaks(fx.root());
        assertThat(leaks).isEmpty();
        assertThat(FuseTestExtension.servingThreads()).isEmpty();
    }

    /** HelloFuse whose init throws. */
    static class InitFailingFs extends HelloFuse {

        @Override
        public Pointer init(Pointer conn) {
            throw new IllegalStateException("init refused by the test");
        }

    }

}
