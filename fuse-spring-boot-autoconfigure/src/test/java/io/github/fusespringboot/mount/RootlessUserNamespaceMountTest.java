package io.github.fusespringboot.mount;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.github.fusespringboot.mount.natives.Native;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * What rootless containers (rootless Podman, {@code unshare -Urm}) get: a normal user
 * ({@value ChildJvm#USER}) in a user namespace of its own mounts with the default strategy, direct
 * {@code mount(2)}, no helper. The only thing the user needs from the host is a {@code /dev/fuse} it
 * may open: the child sees one made {@code crw-rw-rw-} (the distributions' mode) in a private mount
 * namespace, so the host's device keeps its mode.
 */
@ExtendWith(FuseTestExtension.class)
class RootlessUserNamespaceMountTest {

    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);

    private static ChildJvm.UserClasspath classpath;

    @BeforeAll
    static void prepare() throws Exception {
        assumeThat(Native.effectiveUid()).as("these tests create the user " + ChildJvm.USER
                + " and switch to it with setpriv, which needs root; not root, so they are skipped")
            .isZero();
        ChildJvm.ensureUser();
        String unavailable = ChildJvm.userNamespaceUnavailability();
        assumeThat(unavailable).as(unavailable).isNull();
        classpath = ChildJvm.UserClasspath.create();
    }

    @AfterAll
    static void removeClasspath() throws Exception {
        if (classpath != null) {
            classpath.close();
        }
    }

    @Test
    void aNormalUserInAUserNamespaceMountsDirectlyServesAndUnmounts(FuseTestExtension.Fixture fx) throws Exception {
        ChildJvm.openForUser(fx.root());
        Path mounts = ChildJvm.ownedByUser(fx.root().resolve("mounts"));
        Path work = ChildJvm.ownedByUser(fx.root().resolve("work"));
        Path result = work.resolve("result.properties");
        Files.writeString(work.resolve("control.txt"), "control");
        ChildJvm.Running running = ChildJvm.create()
            .withOpenFuseDevice(Files.createDirectories(fx.root().resolve("device")))
            .asUser(classpath)
            .inUserNamespace()
            .start(work, RootlessScenario.class, mounts.toString(), result.toString());
        Map<String, String> fromHost = new LinkedHashMap<>();
        try {
            Path ready = awaitFile(work, "ready", CHILD_TIMEOUT);
            if (ready != null) {
                // the host's root reaches the namespace's mounts only through the child's /proc/PID/root
                Path childRoot = Path.of("/proc", Files.readString(ready).trim(), "root");
                // control: the path through /proc/PID/root works, so a refusal below comes from the mounts
                fromHost.put("control", Files.readString(childRoot.resolve(work.toString().substring(1))
                    .resolve("control.txt")));
                for (String name : new String[] { "plain", "allowOther" }) {
                    fromHost.put(name, hostRead(childRoot.resolve(mounts.toString().substring(1)).resolve(name)));
                }
                assertThat(MountTable.read().fuseMountsUnder(fx.root())).as("not in the host's mount table").isEmpty();
            }
        }
        finally {
            running.process().getOutputStream().close();
        }
        ChildJvm.Result child = running.await(CHILD_TIMEOUT);
        assertThat(result).as("the child wrote its result; its output:%n%s", child.output()).exists();
        Properties seen = new Properties();
        try (InputStream in = Files.newInputStream(result)) {
            seen.load(in);
        }
        assertThat(seen.getProperty("error")).as(child.output()).isNull();
        // root inside, the user outside
        assertThat(seen.getProperty("uid")).isEqualTo("0");
        String hostUid = new String(new ProcessBuilder("id", "-u", ChildJvm.USER).start().getInputStream()
            .readAllBytes()).trim();
        assertThat(seen.getProperty("uidMap")).isEqualTo("0 " + hostUid + " 1");
        for (String name : new String[] { "plain", "allowOther" }) {
            assertThat(seen.getProperty(name + ".strategy")).isEqualTo(MountStrategy.DIRECT.name());
            assertThat(seen.getProperty(name + ".state")).as(name).isEqualTo("MOUNTED");
            assertThat(seen.getProperty(name + ".read")).as(name).isEqualTo("Hello World!");
            assertThat(seen.getProperty(name + ".type")).isEqualTo(FuseMount.TYPE);
            // the kernel records the user as the namespace sees it (uid 0 there is the user outside)
            assertThat(seen.getProperty(name + ".options")).contains("user_id=0", "group_id=0");
            assertThat(seen.getProperty(name + ".rootOwner")).isEqualTo("root");
            assertThat(seen.getProperty(name + ".after")).isEqualTo("UNMOUNTED");
            assertThat(seen.getProperty(name + ".stillMounted")).isEqualTo("false");
        }
        assertThat(seen.getProperty("plain.options")).doesNotContain("allow_other");
        assertThat(seen.getProperty("allowOther.options")).contains("allow_other", "default_permissions");
        // allow_other needs no /etc/fuse.conf here (no helper to ask), and lets in only the namespace's
        // processes: the host's root is refused both mounts
        assertThat(fromHost).as(child.output()).containsEntry("control", "control")
            .containsEntry("plain", "AccessDeniedException")
            .containsEntry("allowOther", "AccessDeniedException");
        assertThat(seen.getProperty("leaks")).isEqualTo("[]");
        assertThat(child.exitStatus()).as(child.output()).isZero();
        // nothing of the namespace reached the host
        assertThat(MountTable.read().fuseMountsUnder(fx.root())).isEmpty();
        assertThat(MountTable.read().find(Path.of(FuseMount.DEVICE))).as("the host's /dev/fuse is its own").isEmpty();
    }

    @Test
    void aUserNamespaceDoesNotHelpWhenTheUserMayNotOpenTheDevice(FuseTestExtension.Fixture fx) throws Exception {
        ChildJvm.openForUser(fx.root());
        Path mounts = ChildJvm.ownedByUser(fx.root().resolve("mounts"));
        Path work = ChildJvm.ownedByUser(fx.root().resolve("work"));
        Path result = work.resolve("result.properties");
        // crw------- root: the device's mode is checked against the user outside the namespace
        ChildJvm.Result child = ChildJvm.create()
            .withFuseDevice(Files.createDirectories(fx.root().resolve("device")), "0600")
            .asUser(classpath)
            .inUserNamespace()
            .run(work, CHILD_TIMEOUT, RootlessScenario.class, mounts.toString(), result.toString());
        Properties seen = new Properties();
        try (InputStream in = Files.newInputStream(result)) {
            seen.load(in);
        }
        assertThat(seen.getProperty("uid")).as(child.output()).isEqualTo("0");
        assertThat(seen.getProperty("error")).as(child.output())
            .contains("failed while opening /dev/fuse: not allowed to open /dev/fuse (running as uid 0)", "EACCES",
                    "readable and writable by the user");
        assertThat(seen.getProperty("leaks")).isEqualTo("[]");
    }

    /** What reading {@code dir}/hello as this process (the host's root) gives: the text or the exception's name. */
    private static String hostRead(Path dir) {
        try {
            return Files.readString(dir.resolve("hello"));
        }
        catch (IOException ex) {
            return ex.getClass().getSimpleName();
        }
    }

    /** Waits (bounded) until {@code name} appears in {@code dir}, moved there whole; null if it does not. */
    private static Path awaitFile(Path dir, String name, Duration bound) throws Exception {
        Path file = dir.resolve(name);
        try (WatchService watcher = dir.getFileSystem().newWatchService()) {
            dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
            long deadline = System.nanoTime() + bound.toNanos();
            while (!Files.exists(file)) {
                long left = deadline - System.nanoTime();
                WatchKey key = (left > 0) ? watcher.poll(left, TimeUnit.NANOSECONDS) : null;
                if (key == null) {
                    return Files.exists(file) ? file : null;
                }
                key.pollEvents();
                key.reset();
            }
            return file;
        }
    }

}
