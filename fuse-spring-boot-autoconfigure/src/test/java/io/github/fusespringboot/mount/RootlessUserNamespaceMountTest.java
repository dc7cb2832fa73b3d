package io.github.fusespringboot.mount;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

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
        ChildJvm.Result child = ChildJvm.create()
            .withOpenFuseDevice(Files.createDirectories(fx.root().resolve("device")))
            .asUser(classpath)
            .inUserNamespace()
            .run(work, CHILD_TIMEOUT, RootlessScenario.class, mounts.toString(), result.toString());
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
        assertThat(seen.getProperty("leaks")).isEqualTo("[]");
        assertThat(child.exitStatus()).as(child.output()).isZero();
        // nothing of the namespace reached the host
        assertThat(MountTable.read().fuseMountsUnder(fx.root())).isEmpty();
        assertThat(MountTable.read().find(Path.of(FuseMount.DEVICE))).as("the host's /dev/fuse is its own").isEmpty();
    }

}
