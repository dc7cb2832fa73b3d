package io.github.fusespringboot.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.fusespringboot.mount.MountStrategy;
import io.github.fusespringboot.mount.MountTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * As a normal user (uid 65534) with a usable set-uid {@code fusermount3}, a {@code @FuseMountTest}
 * mounts through the helper: an instance, and a {@code @SpringBootTest} context (which the kit switches
 * to {@code fuse.mount-strategy=fusermount}). The user's {@code /dev/fuse} is a device node of its own
 * ({@code crw-rw-rw-}, as distributions ship it) on a tmpfs over {@code /dev} in a private mount
 * namespace, so the host's device is never changed; the class path is copied where the user can read it.
 */
class FuseMountExtensionNormalUserTests {

    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(120);

    private static final String USER = "65534";

    @BeforeAll
    static void needsRootAndTheHelper() {
        ProcStatus status = ProcStatus.read();
        assumeThat(status.uid()).as("switching to a normal user needs root").isZero();
        assumeThat(status.effectiveCapabilities() & (1L << FuseAvailability.CAP_SYS_ADMIN)).isNotZero();
        assumeThat(Path.of("/usr/bin/fusermount3")).as("fusermount3 (package fuse3)").isExecutable();
        assumeThat(Path.of("/usr/bin/setpriv")).as("setpriv (util-linux)").isExecutable();
    }

    @Test
    void mountsThroughTheHelperAsANormalUser() throws Exception {
        Path work = TestDirectories.create("normal-user");
        // the child's JVM leaves this (empty) even with -XX:-UsePerfData; remove it only if the child made it
        Path perfData = Path.of("/tmp/hsperfdata_nobody");
        boolean perfDataExisted = Files.exists(perfData);
        try {
            runAsNormalUser(work);
        }
        finally {
            TestDirectories.delete(work);
            if (!perfDataExisted) {
                try {
                    Files.deleteIfExists(perfData);
                }
                catch (IOException ex) {
                    // not empty: somebody else's now
                }
            }
        }
    }

    private static void runAsNormalUser(Path work) throws Exception {
        String classpath = copyClasspath(work.resolve("cp"));
        Path mounts = Files.createDirectories(work.resolve("mounts"));
        Path home = Files.createDirectories(work.resolve("home"));
        giveToUser(work);
        String setting = """
                set -e
                old=$(mktemp -d "$FSBT_WORK/dev.XXXXXX")
                mount --rbind /dev "$old"
                mount -t tmpfs -o mode=755,size=64k fsbt-dev /dev
                for n in null zero full random urandom tty; do touch /dev/$n; mount --bind "$old/$n" /dev/$n; done
                mknod -m 666 /dev/fuse c 10 229
                ln -s /proc/self/fd /dev/fd
                umount -l "$old"
                exec /usr/bin/setpriv --reuid=%s --regid=%s --clear-groups -- "$@"
                """.formatted(USER, USER);
        List<String> command = new ArrayList<>(
                List.of("/usr/bin/unshare", "-m", "--propagation", "private", "sh", "-c", setting, "sh"));
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1",
                "-Djava.io.tmpdir=" + home, "-D" + TestDirectories.ROOT_PROPERTY + "=" + mounts, "-cp", classpath,
                TestClassRun.class.getName(), MountsAnInstance.class.getName(), MountsTheContext.class.getName()));
        Path log = work.resolve("child.log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
        builder.environment().put("FSBT_WORK", work.toString());
        builder.environment().put("HOME", home.toString());
        builder.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        Process child = builder.start();
        boolean ended = child.waitFor(CHILD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (!ended) {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(log);
        assertThat(ended).as("the child ended within %s; its output:%n%s", CHILD_TIMEOUT, output).isTrue();
        assertThat(output).as(output)
            .contains("RESULT SUCCESSFUL test mountsThroughTheHelper(FuseMounts)",
                    "RESULT SUCCESSFUL container FuseMountExtensionNormalUserTests$MountsAnInstance",
                    "RESULT SUCCESSFUL test servesTheBeanThroughTheHelper(FuseMounts)",
                    "RESULT SUCCESSFUL container FuseMountExtensionNormalUserTests$MountsTheContext")
            .doesNotContain("RESULT FAILED", "RESULT SKIPPED", "RESULT ABORTED");
        assertThat(MountTable.read().fuseMountsUnder(work)).as("nothing of the child's namespace shows here").isEmpty();
    }

    /** Every class path entry, copied into {@code target}: the user cannot read root's home directory. */
    private static String copyClasspath(Path target) throws IOException {
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(":")) {
            Path source = Path.of(entry);
            if (!Files.exists(source)) {
                continue;
            }
            Path copy = target.resolve((i++) + "-" + source.getFileName());
            copyTree(source, copy);
            entries.add(copy.toString());
        }
        return String.join(":", entries);
    }

    private static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path path : walk.toList()) {
                Path to = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(to);
                }
                else {
                    Files.createDirectories(to.getParent());
                    Files.copy(path, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** The user owns the work tree (mount points must be the user's) and can read all of it. */
    private static void giveToUser(Path work) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(work)) {
            paths = walk.sorted(Comparator.naturalOrder()).toList();
        }
        for (Path path : paths) {
            Files.setAttribute(path, "unix:uid", Integer.parseInt(USER));
            Files.setAttribute(path, "unix:gid", Integer.parseInt(USER));
            Files.setPosixFilePermissions(path,
                    PosixFilePermissions.fromString(Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
        }
    }

    /** Mounts an instance, which has to go through the helper. */
    @FuseMountTest
    static class MountsAnInstance {

        @Test
        void mountsThroughTheHelper(FuseMounts mounts) throws IOException {
            assertThat(mounts.strategy()).isEqualTo(MountStrategy.FUSERMOUNT);
            Path root = mounts.mount("as-user", new HelloFilesystem("served to a normal user\n"));
            assertThat(Files.readString(root.resolve("hello.txt"))).isEqualTo("served to a normal user\n");
            assertThat(MountTable.read().find(root).orElseThrow().source()).isEqualTo("fuse-spring-boot:as-user");
        }

    }

    /** A context whose mount only works if the kit switched it to the helper. */
    @FuseMountTest
    @SpringBootTest(classes = GreetingApplication.class)
    static class MountsTheContext {

        @Value("${fuse.mount-strategy}")
        private String strategy;

        @Test
        void servesTheBeanThroughTheHelper(FuseMounts mounts) throws IOException {
            assertThat(this.strategy).isEqualTo("fusermount");
            assertThat(Files.readString(mounts.mountPoint("greeting").resolve("hello.txt"))).startsWith("Hello");
        }

    }

}
