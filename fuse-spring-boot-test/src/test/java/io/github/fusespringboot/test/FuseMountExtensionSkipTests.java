package io.github.fusespringboot.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.fusespringboot.mount.ManagedFuseStubFS;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.struct.FileStat;

import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Where FUSE cannot be used, a {@code @FuseMountTest} class is reported skipped with the reason, never
 * passed or failed, and neither the test class nor its Spring context is built. Each case runs small
 * classes below in a child JVM through the JUnit Platform launcher, in a setting made for it without
 * touching the host: a private mount namespace where {@code /dev/fuse} is hidden (a tmpfs over
 * {@code /dev} holding only the usual character devices), and a root process without
 * {@code CAP_SYS_ADMIN} even in its bounding set (a container without {@code --cap-add SYS_ADMIN}). A
 * missing {@code libfuse.so.2} (hidden by a bind mount of {@code /dev/null} over it) is no reason to
 * skip a class: a {@code ManagedFuseStubFS} mounts and serves there, and only a test that constructs
 * a jnr-fuse {@code FuseStubFS} is skipped, with the reason.
 */
class FuseMountExtensionSkipTests {

    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(90);

    private static final Path TEST_ROOT = TestDirectories.root();

    @BeforeAll
    static void needsPrivateNamespaces() {
        long capabilities = ProcStatus.read().effectiveCapabilities();
        assumeThat(capabilities & (1L << FuseAvailability.CAP_SYS_ADMIN))
            .as("making the settings (unshare -m, setpriv) needs CAP_SYS_ADMIN; this process has none")
            .isNotZero();
        assumeThat(Path.of("/usr/bin/unshare")).as("unshare (util-linux)").isExecutable();
        assumeThat(Path.of("/usr/bin/setpriv")).as("setpriv (util-linux)").isExecutable();
    }

    @Test
    void skipsWithTheReasonWhereDevFuseDoesNotExist() throws Exception {
        String hide = """
                set -e
                old=$(mktemp -d "$FSBT_WORK/dev.XXXXXX")
                mount --rbind /dev "$old"
                mount -t tmpfs -o mode=755,size=64k fsbt-dev /dev
                for n in null zero full random urandom tty; do touch /dev/$n; mount --bind "$old/$n" /dev/$n; done
                ln -s /proc/self/fd /dev/fd
                umount -l "$old"
                exec "$@"
                """;
        List<TestClassRun.Outcome> outcomes = runInChild(
                List.of("/usr/bin/unshare", "-m", "--propagation", "private", "sh", "-c", hide, "sh"));

        assertSkipped(outcomes, "/dev/fuse does not exist");
    }

    @Test
    void whereLibfuse2IsMissingAManagedFilesystemMountsAndOnlyATestConstructingAFuseStubFSIsSkipped()
            throws Exception {
        Set<Path> libraries = libfuse2Files();
        assumeThat(libraries).as("libfuse.so.2 is installed (to be hidden)").isNotEmpty();
        StringBuilder hide = new StringBuilder("set -e\n");
        for (Path library : libraries) {
            hide.append("mount --bind /dev/null '").append(library).append("'\n");
        }
        hide.append("exec \"$@\"\n");
        List<TestClassRun.Outcome> outcomes = runInChild(
                List.of("/usr/bin/unshare", "-m", "--propagation", "private", "sh", "-c", hide.toString(), "sh"),
                List.of(MountsAManagedFilesystem.class, ConstructsAFuseStubFS.class));

        String managed = FuseMountExtensionSkipTests.class.getSimpleName() + "$"
                + MountsAManagedFilesystem.class.getSimpleName();
        String stub = FuseMountExtensionSkipTests.class.getSimpleName() + "$" + ConstructsAFuseStubFS.class.getSimpleName();
        assertThat(outcomes).as("what the child reported").hasSize(4);
        assertThat(outcomes).filteredOn(TestClassRun.Outcome::container)
            .allSatisfy((outcome) -> assertThat(outcome.status()).as(outcome.toString()).isEqualTo("SUCCESSFUL"))
            .extracting(TestClassRun.Outcome::name)
            .containsExactlyInAnyOrder(managed, stub);
        List<TestClassRun.Outcome> tests = outcomes.stream().filter((outcome) -> !outcome.container()).toList();
        assertThat(tests).filteredOn((outcome) -> outcome.status().equals("SUCCESSFUL")).hasSize(1);
        assertThat(tests).filteredOn((outcome) -> outcome.status().equals("ABORTED")).singleElement()
            .satisfies((outcome) -> assertThat(outcome.detail()).contains("libfuse2 is missing",
                    "jnr-fuse's FuseStubFS loads libfuse.so.2 in its constructor",
                    "Extend io.github.fusespringboot.mount.ManagedFuseStubFS instead", "libfuse2t64", "fuse-libs"));
    }

    @Test
    void skipsWithTheReasonWithoutThePrivilegeToMount() throws Exception {
        List<TestClassRun.Outcome> outcomes = runInChild(
                List.of("/usr/bin/setpriv", "--bounding-set=-sys_admin", "--inh-caps=-sys_admin", "--"));

        assertSkipped(outcomes, "no privilege to mount", "root or CAP_SYS_ADMIN",
                "CAP_SYS_ADMIN is not in this process's bounding set");
    }

    private static void assertSkipped(List<TestClassRun.Outcome> outcomes, String... reason) {
        assertThat(outcomes).as("what the child reported").hasSize(2);
        for (TestClassRun.Outcome outcome : outcomes) {
            assertThat(outcome.container()).as(outcome.toString()).isTrue();
            assertThat(outcome.status()).as(outcome.toString()).isEqualTo("SKIPPED");
            assertThat(outcome.detail()).startsWith("FUSE cannot be used here, so this test is skipped: ")
                .contains(reason);
        }
        String outer = FuseMountExtensionSkipTests.class.getSimpleName() + "$";
        assertThat(outcomes).extracting(TestClassRun.Outcome::name)
            .containsExactlyInAnyOrder(outer + NeedsFuse.class.getSimpleName(),
                    outer + NeedsFuseInSpring.class.getSimpleName());
    }

    private static List<TestClassRun.Outcome> runInChild(List<String> setting) throws Exception {
        return runInChild(setting, List.of(NeedsFuse.class, NeedsFuseInSpring.class));
    }

    private static List<TestClassRun.Outcome> runInChild(List<String> setting, List<Class<?>> testClasses)
            throws Exception {
        Path work = TestDirectories.create("skip");
        try {
            return runInChild(work, setting, testClasses);
        }
        finally {
            TestDirectories.delete(work);
        }
    }

    private static List<TestClassRun.Outcome> runInChild(Path work, List<String> setting, List<Class<?>> testClasses)
            throws Exception {
        List<String> command = new ArrayList<>(setting);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1",
                "-D" + TestDirectories.ROOT_PROPERTY + "=" + TEST_ROOT, "-cp", System.getProperty("java.class.path"),
                TestClassRun.class.getName()));
        testClasses.forEach((type) -> command.add(type.getName()));
        Path log = work.resolve("child.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("FSBT_WORK", work.toString());
        Process child = builder.start();
        boolean ended = child.waitFor(CHILD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (!ended) {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(log);
        assertThat(ended).as("the child ended within %s; its output:%n%s", CHILD_TIMEOUT, output).isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        assertThat(Files.exists(Path.of("/dev/fuse"))).as("the host's /dev/fuse is untouched").isTrue();
        List<TestClassRun.Outcome> outcomes = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.startsWith("RESULT ")) {
                String[] head = line.substring("RESULT ".length()).split(" ", 3);
                String[] rest = head[2].split(" :: ", 2);
                outcomes.add(new TestClassRun.Outcome(rest[0], head[1].equals("container"), head[0],
                        (rest.length > 1) ? rest[1] : ""));
            }
        }
        assertThat(outcomes).as("the child's output:%n%s", output).isNotEmpty();
        return outcomes;
    }

    /** The real files behind every libfuse.so.2 in the usual library directories. */
    private static Set<Path> libfuse2Files() throws IOException {
        Set<Path> files = new LinkedHashSet<>();
        for (String dir : List.of("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
                "/usr/lib/aarch64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib")) {
            Path directory = Path.of(dir);
            if (!Files.isDirectory(directory)) {
                continue;
            }
            try (Stream<Path> entries = Files.list(directory)) {
                for (Path entry : entries.toList()) {
                    if (entry.getFileName().toString().startsWith("libfuse.so.2")) {
                        files.add(entry.toRealPath());
                    }
                }
            }
        }
        return files;
    }

    /** Builds a jnr-fuse filesystem when instantiated: a skip must come before that. */
    @FuseMountTest
    static class NeedsFuse {

        private final HelloFilesystem filesystem = new HelloFilesystem("never served");

        @Test
        void mounts(FuseMounts mounts) {
            mounts.mount(this.filesystem);
        }

    }

    /** Mounts a filesystem that needs no libfuse and looks it up through the kernel. */
    @FuseMountTest
    static class MountsAManagedFilesystem {

        @Test
        void mounts(FuseMounts mounts) {
            Path mountPoint = mounts.mount(new ManagedFuseStubFS() {

                @Override
                public int getattr(String path, FileStat stat) {
                    if (!path.equals("/")) {
                        return -ErrorCodes.ENOENT();
                    }
                    stat.st_mode.set(FileStat.S_IFDIR | 0755);
                    stat.st_nlink.set(2);
                    return 0;
                }

            });
            assertThat(mountPoint).isDirectory();
            assertThat(mountPoint.resolve("missing")).doesNotExist();
        }

    }

    /** Constructs a jnr-fuse filesystem in its test, which needs libfuse2 (only the class is not skipped). */
    @FuseMountTest
    static class ConstructsAFuseStubFS {

        @Test
        void mounts(FuseMounts mounts) {
            mounts.mount(new HelloFilesystem("never served"));
        }

    }

    /** A Spring test whose context would mount: it must not even be built. */
    @FuseMountTest
    @SpringBootTest(classes = GreetingApplication.class)
    static class NeedsFuseInSpring {

        @Test
        void contextLoads() {
        }

    }

}
