// Starts a bounded child JVM, optionally as the test user and inside private namespaces, and collects its output.
package io.github.fusespringboot.mount;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Child JVMs for tests that need another identity or another view of the machine: the command is
 * {@code prefix + java + -cp <class path> + main + arguments}, where the prefix can switch to the test
 * user ({@code setpriv}), enter a private mount namespace ({@code unshare -m}) with some set-up run
 * inside it first, or a user namespace ({@code unshare -Urm}). Whatever is bound or mounted in a
 * private namespace stays there and goes with it: the host is never changed. Every child is bounded
 * and killed (with its descendants) when it overruns.
 */
public final class ChildJvm {

    /** The normal user the tests run children as (the same as the other normal-user tests). */
    public static final String USER = "fsbtest";

    /** {@code /dev/fuse} is the misc device 10:229 (FUSE_MINOR in include/linux/miscdevice.h). */
    private static final String FUSE_DEVICE_NUMBERS = "c 10 229";

    private final List<String> prefix = new ArrayList<>();

    private final List<String> setup = new ArrayList<>();

    private final List<String> jvmOptions = new ArrayList<>();

    private String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));

    private ChildJvm() {
    }

    public static ChildJvm create() {
        return new ChildJvm();
    }

    /** Runs {@code command} (a shell command, as root) in a private mount namespace before the JVM starts. */
    public ChildJvm inPrivateMountNamespace(String command) {
        this.setup.add(command);
        return this;
    }

    /**
     * Inside the private mount namespace, puts a {@code /dev/fuse} readable and writable by everyone
     * over the real one (a node of the same device on a tmpfs made for it in {@code scratch}): the user
     * may open the device there, without changing its mode on the host.
     */
    public ChildJvm withOpenFuseDevice(Path scratch) {
        return withFuseDevice(scratch, "0666");
    }

    /** The same with {@code mode}: {@code 0600} is a {@code /dev/fuse} only root may open. */
    public ChildJvm withFuseDevice(Path scratch, String mode) {
        return inPrivateMountNamespace(fuseDeviceSetup(scratch, mode));
    }

    /** The shell command that puts a {@code /dev/fuse} of {@code mode} over the real one (in a private namespace). */
    public static String fuseDeviceSetup(Path scratch, String mode) {
        return "mount -t tmpfs -o mode=0755,size=64k fsb-device " + quote(scratch.toString()) + " && mknod -m " + mode
                + " " + quote(scratch + "/fuse") + " " + FUSE_DEVICE_NUMBERS + " && mount --bind "
                + quote(scratch + "/fuse") + " /dev/fuse";
    }

    /**
     * The command prefix that runs {@code setup} (shell commands, as root) in a new private mount
     * namespace and then the command that follows the prefix.
     */
    public static List<String> privateMountNamespace(List<String> setup) {
        // sh -c 'set-up && exec "$@"' sh <the rest>: no quoting of the rest needed
        return List.of(tool("unshare"), "-m", "--propagation", "private", "sh", "-c",
                String.join(" && ", setup) + " && exec \"$@\"", "sh");
    }

    /** Runs the JVM as {@link #USER}, without supplementary groups, from a class path that user can read. */
    public ChildJvm asUser(UserClasspath classpath) {
        this.prefix.addAll(List.of(tool("setpriv"), "--reuid=" + USER, "--regid=" + USER, "--clear-groups", "--"));
        this.classpath = classpath.value();
        return this;
    }

    /** Runs the JVM in a new user namespace (mapped to root) with its own mount namespace, as rootless Podman does. */
    public ChildJvm inUserNamespace() {
        this.prefix.addAll(List.of(tool("unshare"), "-Urm", "--"));
        return this;
    }

    public ChildJvm jvmOption(String option) {
        this.jvmOptions.add(option);
        return this;
    }

    /** Starts the child in {@code work} and waits for it at most {@code timeout}. */
    public Result run(Path work, Duration timeout, Class<?> main, String... arguments) throws Exception {
        return start(work, main, arguments).await(timeout);
    }

    /** Starts the child in {@code work}; its standard input is a pipe from the test. */
    public Running start(Path work, Class<?> main, String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        if (!this.setup.isEmpty()) {
            command.addAll(privateMountNamespace(this.setup));
        }
        command.addAll(this.prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + work));
        command.addAll(this.jvmOptions);
        command.addAll(List.of("-cp", this.classpath, main.getName()));
        command.addAll(List.of(arguments));
        Path log = work.resolve("child-" + System.nanoTime() + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        builder.environment().put("HOME", work.toString());
        builder.environment().put("LANG", "C.UTF-8");
        return new Running(builder.start(), log, String.join(" ", command));
    }

    /** A started child. */
    public record Running(Process process, Path log, String command) {

        /** Waits at most {@code timeout} for the child to end (then kills it, and fails). */
        public Result await(Duration timeout) throws Exception {
            boolean ended = this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                this.process.descendants().forEach(ProcessHandle::destroyForcibly);
                this.process.destroyForcibly();
                this.process.waitFor(10, TimeUnit.SECONDS);
            }
            String output = Files.exists(this.log) ? Files.readString(this.log) : "";
            assertThat(ended).as("the child JVM ended within %s; its output:%n%s", timeout, output).isTrue();
            return new Result(this.process.exitValue(), output, this.command);
        }

    }

    /** What a child left: its exit status and everything it printed. */
    public record Result(int exitStatus, String output, String command) {
    }

    // ------------------------------------------------------------------ the user and what it may read

    /** Creates {@link #USER} if it does not exist (needs root). */
    public static void ensureUser() throws Exception {
        if (exec("id", "-u", USER) == 0) {
            return;
        }
        int status = exec("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER);
        // another build may have created it meanwhile
        assertThat(exec("id", "-u", USER)).as("useradd %s (exit status %d)", USER, status).isZero();
    }

    /**
     * Why {@link #USER} cannot make a user namespace here ({@code unshare -Urm true} fails: e.g.
     * {@code kernel.unprivileged_userns_clone=0}, or AppArmor's
     * {@code kernel.apparmor_restrict_unprivileged_userns=1} on Ubuntu 24.04+), or null when it can.
     */
    public static String userNamespaceUnavailability() throws Exception {
        int status = exec(tool("setpriv"), "--reuid=" + USER, "--regid=" + USER, "--clear-groups", "--",
                tool("unshare"), "-Urm", "true");
        return (status == 0) ? null : "unshare -Urm as " + USER + " fails here (exit status " + status
                + "): unprivileged user namespaces are disabled or restricted on this machine";
    }

    /** Makes {@code path} a directory of {@link #USER}'s, mode 0755. */
    public static Path ownedByUser(Path path) throws IOException {
        Files.createDirectories(path);
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user = lookup.lookupPrincipalByName(USER);
        GroupPrincipal group = lookup.lookupPrincipalByGroupName(USER);
        Files.setOwner(path, user);
        Files.getFileAttributeView(path, PosixFileAttributeView.class).setGroup(group);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        return path;
    }

    /** Lets the user reach a test's directory (the extension creates it 0700). */
    public static void openForUser(Path root) throws IOException {
        Set<PosixFilePermission> top = Files.getPosixFilePermissions(FuseTestExtension.ROOT);
        if (!top.contains(PosixFilePermission.OTHERS_EXECUTE)) {
            top.add(PosixFilePermission.OTHERS_EXECUTE);
            Files.setPosixFilePermissions(FuseTestExtension.ROOT, top);
        }
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The test class path linked (or copied) into a world-readable directory; delete it with {@link #close()}. */
    public static final class UserClasspath implements AutoCloseable {

        private final Path directory;

        private final String value;

        private UserClasspath(Path directory, String value) {
            this.directory = directory;
            this.value = value;
        }

        public static UserClasspath create() throws IOException {
            String source = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            Path directory = Files.createTempDirectory("fsb-user-cp-");
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
            List<String> entries = new ArrayList<>();
            int n = 0;
            for (String entry : source.split(":")) {
                Path from = Path.of(entry);
                if (entry.isEmpty() || !Files.exists(from)) {
                    continue;
                }
                Path to = directory.resolve((n++) + "-" + from.getFileName());
                if (Files.isDirectory(from)) {
                    copyTree(from, to);
                }
                else {
                    linkOrCopy(from, to);
                }
                entries.add(to.toString());
            }
            return new UserClasspath(directory, String.join(":", entries));
        }

        public String value() {
            return this.value;
        }

        @Override
        public void close() throws IOException {
            FuseTestExtension.deleteTree(this.directory);
        }

        private static void linkOrCopy(Path from, Path to) throws IOException {
            try {
                if (!Files.getPosixFilePermissions(from).contains(PosixFilePermission.OTHERS_READ)) {
                    throw new IOException("not world-readable");
                }
                Files.createLink(to, from);
            }
            catch (IOException | UnsupportedOperationException ex) {
                Files.copy(from, to);
                Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }

        private static void copyTree(Path from, Path to) throws IOException {
            try (Stream<Path> walk = Files.walk(from)) {
                for (Path path : walk.toList()) {
                    Path target = to.resolve(from.relativize(path).toString());
                    if (Files.isDirectory(path)) {
                        Files.createDirectories(target);
                        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
                    }
                    else {
                        Files.copy(path, target);
                        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
                    }
                }
            }
        }

    }

    // ------------------------------------------------------------------ helpers

    /** The absolute path of a util-linux tool. */
    /** A command run by {@link #runAs}: its pid, exit status and output (stdout and stderr, trimmed). */
    public record Ran(long pid, int exit, String output) {
    }

    /**
     * Runs {@code command} as uid and gid {@code uid} with no supplementary groups ({@code setpriv}
     * execs it, so the kernel sees the command's own pid), bounded at 30 s.
     */
    public static Ran runAs(long uid, String... command) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of(tool("setpriv"), "--reuid=" + uid, "--regid=" + uid,
                "--clear-groups", "--"));
        all.addAll(List.of(command));
        Process process = new ProcessBuilder(all).redirectErrorStream(true).start();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(all + " did not end within 30 s");
        }
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        return new Ran(process.pid(), process.exitValue(), output.trim());
    }

    public static String tool(String name) {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name).toString();
            }
        }
        throw new AssertionError(name + " (util-linux) is needed for this test");
    }

    private static int exec(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end within 30 s");
        }
        return process.exitValue();
    }

    static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }

}
