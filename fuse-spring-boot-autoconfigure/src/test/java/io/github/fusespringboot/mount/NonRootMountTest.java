package io.github.fusespringboot.mount;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.fusespringboot.mount.natives.Fusermount;
import io.github.fusespringboot.mount.natives.Native;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The engine as a normal user: a real user ({@value #USER}, created if missing) runs
 * {@link NonRootScenario} in a child JVM started with {@code setpriv}; the class path is linked or
 * copied to a directory that user can read. The user's children run in a private mount namespace
 * with a {@code /dev/fuse} of their own (the same device, with the mode the test needs), so the host's
 * device is never changed and concurrent builds cannot change it under each other; the child checks
 * its own leaks, and whatever it might leave goes with its namespace. Every child is bounded and
 * killed on timeout.
 */
@ExtendWith(FuseTestExtension.class)
class NonRootMountTest {

    static final String USER = ChildJvm.USER;

    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);

    private static ChildJvm.UserClasspath classpath;

    @BeforeAll
    static void prepare() throws Exception {
        assumeThat(Native.effectiveUid()).as("these tests create the user " + USER
                + " and switch to it with setpriv, which needs root; not root, so they are skipped")
            .isZero();
        assertThat(Fusermount.find()).as("fusermount3 (Debian package fuse3)").isPresent();
        assertThat(Fusermount.isSetUid(Fusermount.find().get())).as("fusermount3 is set-uid root").isTrue();
        ChildJvm.ensureUser();
        classpath = ChildJvm.UserClasspath.create();
    }

    @AfterAll
    static void restore() throws IOException {
        if (classpath != null) {
            classpath.close();
        }
    }

    @Test
    void defaultStrategyFailsFastForANormalUserAndNamesTheProperty(FuseTestExtension.Fixture fx) throws Exception {
        Child child = run(fx, Identity.USER_WITHOUT_DEVICE, null, List.of(), CHILD_TIMEOUT, "direct");
        assertThat(child.get("uid")).as(child.log).isNotEqualTo("0");
        assertThat(child.get("outcome")).as(child.log).isEqualTo("failed");
        // /dev/fuse crw------- root (some VMs and containers): a normal user meets EACCES on open, before mount(2)
        assertThat(child.get("phase")).isEqualTo(MountPhase.OPEN_DEVICE.name());
        assertThat(child.get("errno")).isEqualTo("EACCES");
        assertPrivilegeAdvice(child.get("message"));
        assertThat(Long.parseLong(child.get("millis"))).as("fails fast").isLessThan(2000);
        assertThat(child.get("mountPointLeft")).as("the mount point it created is removed").isEqualTo("false");
        assertThat(child.get("leaks")).isEqualTo("[]");
    }

    @Test
    void defaultStrategyGivesTheSameAdviceWhenANormalUserMayOpenTheDevice(FuseTestExtension.Fixture fx)
            throws Exception {
        // /dev/fuse crw-rw-rw- as on most distributions: open works, mount(2) says EPERM
        Child child = run(fx, Identity.USER, null, List.of(), CHILD_TIMEOUT, "direct");
        assertThat(child.get("uid")).as(child.log).isNotEqualTo("0");
        assertThat(child.get("outcome")).as(child.log).isEqualTo("failed");
        assertThat(child.get("phase")).isEqualTo(MountPhase.MOUNT.name());
        assertThat(child.get("errno")).isEqualTo("EPERM");
        assertPrivilegeAdvice(child.get("message"));
        assertThat(Long.parseLong(child.get("millis"))).as("fails fast").isLessThan(2000);
        assertThat(child.get("mountPointLeft")).isEqualTo("false");
        assertThat(child.get("leaks")).isEqualTo("[]");
    }

    @Test
    void defaultStrategyGivesTheSameAdviceWhenMountIsRefusedWithoutCapSysAdmin(FuseTestExtension.Fixture fx)
            throws Exception {
        // root without CAP_SYS_ADMIN (a container without --cap-add SYS_ADMIN): open works, mount(2) does not
        Child child = run(fx, Identity.ROOT_WITHOUT_CAP_SYS_ADMIN, null, List.of(), CHILD_TIMEOUT, "direct");
        assertThat(child.get("outcome")).as(child.log).isEqualTo("failed");
        assertThat(child.get("phase")).isEqualTo(MountPhase.MOUNT.name());
        assertThat(child.get("errno")).isEqualTo("EPERM");
        assertPrivilegeAdvice(child.get("message"));
        assertThat(child.get("mountPointLeft")).isEqualTo("false");
        assertThat(child.get("leaks")).isEqualTo("[]");
    }

    private static void assertPrivilegeAdvice(String message) {
        assertThat(message).contains("root or CAP_SYS_ADMIN", "fuse.mount-strategy=fusermount",
                "fuse.mount-strategy=direct-then-fusermount", "fuse.mounts.<name>.mount-strategy",
                "--device /dev/fuse --cap-add SYS_ADMIN", "never falls back");
    }

    @Test
    void fusermountStrategyMountsServesAndUnmountsAsANormalUser(FuseTestExtension.Fixture fx) throws Exception {
        Child child = run(fx, Identity.USER, null, List.of(), CHILD_TIMEOUT, "fusermount");
        assertThat(child.get("error")).as(child.log).isNull();
        assertThat(child.get("uid")).isNotEqualTo("0");
        int n = 1;
        for (MountStrategy strategy : List.of(MountStrategy.FUSERMOUNT, MountStrategy.DIRECT_THEN_FUSERMOUNT)) {
            String key = strategy.name();
            assertThat(child.get(key + ".state")).as(key).isEqualTo("MOUNTED");
            assertThat(child.get(key + ".read")).as(key).isEqualTo("Hello World!");
            assertThat(child.get(key + ".type")).isEqualTo(FuseMount.TYPE);
            assertThat(child.get(key + ".source")).isEqualTo("fuse-spring-boot:user-" + n++);
            // the descriptor received over SCM_RIGHTS: close-on-exec, and not on 0..3
            assertThat(child.get(key + ".fuseFds")).matches("\\d+:cloexec");
            assertThat(Integer.parseInt(child.get(key + ".fuseFds").split(":")[0])).isGreaterThanOrEqualTo(4);
            assertThat(child.get(key + ".after")).isEqualTo("UNMOUNTED");
            assertThat(child.get(key + ".stillMounted")).isEqualTo("false");
        }
        assertThat(child.log).as("direct-then-fusermount warns, naming the errno")
            .containsPattern("WARN .*direct mount refused with EPERM .*falling back to the fusermount helper");
        assertThat(child.get("leaks")).isEqualTo("[]");
    }

    @Test
    void wedgedHelperMountIsGivenUpWithinTheBoundAndFreedWhenItsCallbackReturns(FuseTestExtension.Fixture fx)
            throws Exception {
        Child child = run(fx, Identity.USER, null, List.of(), CHILD_TIMEOUT, "wedged");
        assertThat(child.get("error")).as(child.log).isNull();
        assertThat(child.get("entered")).isEqualTo("true");
        // busy: fusermount3 -u retried, then -u -z; the serving thread stays stuck
        assertThat(child.get("unmount")).as(child.log).isEqualTo("failed");
        assertThat(child.get("unmountMessage")).contains("still inside the filesystem");
        // fusectl's files belong to the connection's owner: a user may abort its own connection, where
        // fusectl is mounted (mounting it needs root); the callback stays stuck either way
        if (MountTable.read().find(FuseConnections.ROOT).filter((e) -> e.type().equals("fusectl")).isPresent()) {
            assertThat(child.log).contains("aborted its FUSE connection");
            // the abort failed the reader's waiting request
            assertThat(child.get("readerRead")).contains("Transport endpoint is not connected");
        }
        else {
            assertThat(child.log).contains("could not abort its FUSE connection", "mounting it needs root");
            assertThat(child.get("readerRead")).isEqualTo("stuck");
        }
        assertThat(Long.parseLong(child.get("unmountMillis"))).as("1 s timeout + abort grace + helper minimum")
            .isLessThan(Duration.ofSeconds(1).plus(FuseMount.ABORT_GRACE).plus(FuseMount.HELPER_MINIMUM).toMillis() + 500);
        assertThat(child.get("state")).isEqualTo("FAILED");
        assertThat(child.get("mountedAfter")).as("lazily detached by fusermount3 -u -z").isEqualTo("false");
        assertThat(child.get("readerAlive")).isEqualTo("false");
        assertThat(child.get("leaks")).as("freed once the callback returned").isEqualTo("[]");
    }

    @Test
    @Timeout(170)
    void foundingScenarioThroughTheHelperAsANormalUser(FuseTestExtension.Fixture fx) throws Exception {
        int cycles = 2000;
        int workers = 8;
        Child child = run(fx, Identity.USER, null, List.of(), Duration.ofSeconds(140), "stress",
                Integer.toString(cycles), Integer.toString(workers));
        System.out.printf("Founding scenario through fusermount3 as %s: %s cycles, %d workers, %s s, %s cycles/s%n",
                USER, child.get("cycles"), workers, child.get("seconds"), child.get("throughput"));
        assertThat(child.get("error")).as(child.log).isNull();
        assertThat(child.get("finished")).as("no hang").isEqualTo("true");
        assertThat(child.get("failures")).as(child.get("firstFailures")).isEqualTo("0");
        assertThat(child.get("cycles")).isEqualTo(Integer.toString(cycles));
        assertThat(child.get("leaks")).as("mounts, /dev/fuse descriptors, serving threads").isEqualTo("[]");
        assertThat(child.get("directoriesLeft")).isEqualTo("0");
    }

    @ParameterizedTest(name = "closefrom {0}")
    @ValueSource(booleans = { true, false })
    void helperInheritsOnlyItsOwnDescriptors(boolean closeFrom, FuseTestExtension.Fixture fx) throws Exception {
        Path work = fx.root().resolve("work");
        Path logs = Files.createDirectories(work.resolve("fd-logs"));
        Path stub = Files.createDirectories(work.resolve("stub"));
        ChildJvm.ownedByUser(logs);
        Path script = stub.resolve("fusermount3");
        Files.writeString(script, "#!/bin/sh\n" + "ls -l /proc/self/fd > " + logs + "/fds.$$\n"
                + "exec /usr/bin/fusermount3 \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        int cycles = 40;
        Child child = run(fx, Identity.USER, stub, List.of("-Dio.github.fusespringboot.spawn.closefrom=" + closeFrom),
                CHILD_TIMEOUT, "churn", Integer.toString(cycles), "4");
        assertThat(child.get("error")).as(child.log).isNull();
        assertThat(child.get("finished")).isEqualTo("true");
        assertThat(child.get("failures")).isEqualTo("[]");
        assertThat(child.get("cycles")).isEqualTo(Integer.toString(cycles));
        assertThat(child.get("insideRead")).isEqualTo("Hello World!");
        // what was open in the JVM while the helpers ran: three /dev/fuse descriptors (close-on-exec), and a
        // file inside a mount and a plain file, both inheritable (the JVM opens files without O_CLOEXEC)
        assertThat(child.get("fuseFds").split(",")).hasSize(3).allMatch((fd) -> fd.endsWith(":cloexec"));
        assertThat(child.get("inheritable")).contains("held-0/hello", "plain.txt");

        List<Path> records;
        try (Stream<Path> files = Files.list(logs)) {
            records = files.sorted().toList();
        }
        // 3 held mounts and their unmounts, and each cycle's mount and unmount
        assertThat(records).hasSizeGreaterThanOrEqualTo(2 * (3 + cycles));
        Pattern line = Pattern.compile("\\s(\\d+) -> (.*)$");
        int mounts = 0;
        for (Path record : records) {
            String text = Files.readString(record);
            List<String> problems = new ArrayList<>();
            int listings = 0;
            boolean socket = false;
            for (String entry : text.split("\n")) {
                Matcher m = line.matcher(entry);
                if (!m.find()) {
                    continue;
                }
                int fd = Integer.parseInt(m.group(1));
                String target = m.group(2);
                if (target.equals("/dev/fuse") || target.contains(fx.root().resolve("mnt").toString())) {
                    problems.add(fd + " -> " + target);
                }
                else if (fd == 0 && target.equals("/dev/null") || fd == 1 || fd == 2 && target.startsWith("pipe:")) {
                    continue;
                }
                else if (fd == Fusermount.COMM_FD && target.startsWith("socket:")) {
                    socket = true;
                }
                else if (target.matches("/proc/\\d+/fd") && listings++ == 0) {
                    continue;
                }
                else {
                    problems.add(fd + " -> " + target);
                }
            }
            assertThat(problems).as("%s:%n%s", record.getFileName(), text).isEmpty();
            assertThat(text).contains(" 0 -> /dev/null", " 2 -> pipe:");
            mounts += socket ? 1 : 0;
        }
        assertThat(mounts).as("helper runs that got the socket (mounts)").isGreaterThanOrEqualTo(3 + cycles);
    }

    // ------------------------------------------------------------------ the child JVM

    enum Identity {

        /** The user, where /dev/fuse is crw-rw-rw- (the distributions' mode). */
        USER,

        /** The user, where /dev/fuse is crw------- root. */
        USER_WITHOUT_DEVICE,

        /** Root without CAP_SYS_ADMIN, as in a container started without --cap-add SYS_ADMIN. */
        ROOT_WITHOUT_CAP_SYS_ADMIN

    }

    record Child(Properties result, String log) {

        String get(String key) {
            return this.result.getProperty(key);
        }

    }

    private static Child run(FuseTestExtension.Fixture fx, Identity identity, Path pathPrefix, List<String> properties,
            Duration timeout, String... scenario) throws Exception {
        Path root = fx.root();
        ChildJvm.openForUser(root);
        Path mnt = Files.createDirectories(root.resolve("mnt"));
        Path work = Files.createDirectories(root.resolve("work"));
        ChildJvm.ownedByUser(mnt);
        ChildJvm.ownedByUser(work);
        Path logback = work.resolve("logback.xml");
        Files.writeString(logback, """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n</pattern></encoder>
                  </appender>
                  <root level="WARN"><appender-ref ref="OUT"/></root>
                </configuration>
                """);
        Path resultFile = work.resolve("result-" + System.nanoTime() + ".properties");
        Path logFile = work.resolve("child-" + System.nanoTime() + ".log");
        List<String> command = new ArrayList<>();
        if (identity != Identity.ROOT_WITHOUT_CAP_SYS_ADMIN) {
            Path device = Files.createDirectories(work.resolve("device"));
            command.addAll(ChildJvm.privateMountNamespace(
                    List.of(ChildJvm.fuseDeviceSetup(device, (identity == Identity.USER) ? "0666" : "0600"))));
        }
        command.add(ChildJvm.tool("setpriv"));
        if (identity != Identity.ROOT_WITHOUT_CAP_SYS_ADMIN) {
            command.addAll(List.of("--reuid=" + USER, "--regid=" + USER, "--clear-groups"));
        }
        else {
            command.addAll(List.of("--bounding-set=-sys_admin", "--inh-caps=-sys_admin"));
        }
        command.add("--");
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-Djava.io.tmpdir=" + work,
                "-Dlogback.configurationFile=" + logback));
        command.addAll(properties);
        command.addAll(List.of("-cp", classpath.value(), NonRootScenario.class.getName(), scenario[0], mnt.toString(),
                resultFile.toString()));
        command.addAll(List.of(scenario).subList(1, scenario.length));
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(logFile.toFile());
        builder.environment().clear();
        builder.environment()
            .put("PATH", ((pathPrefix != null) ? pathPrefix + ":" : "") + "/usr/sbin:/usr/bin:/sbin:/bin");
        builder.environment().put("HOME", work.toString());
        builder.environment().put("LANG", "C.UTF-8");
        Process process = builder.start();
        boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!ended) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        String log = Files.exists(logFile) ? Files.readString(logFile) : "";
        assertThat(ended).as("the child JVM ended within %s; its output:%n%s", timeout, log).isTrue();
        assertThat(resultFile).as("the child wrote its result; its output:%n%s", log).exists();
        Properties result = new Properties();
        try (InputStream in = Files.newInputStream(resultFile)) {
            result.load(in);
        }
        return new Child(result, log);
    }

}
