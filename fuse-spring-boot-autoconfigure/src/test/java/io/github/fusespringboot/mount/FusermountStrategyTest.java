package io.github.fusespringboot.mount;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.github.fusespringboot.mount.natives.Errno;
import io.github.fusespringboot.mount.natives.Fusermount;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.examples.HelloFuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

/** The fusermount strategy in this (root) JVM: the helper path end to end, and its unmount escalation. */
@ExtendWith(FuseTestExtension.class)
class FusermountStrategyTest {

    @BeforeAll
    static void helperInstalled() {
        assumeThat(Fusermount.find()).as("fusermount3 (package fuse3) is needed for these tests").isPresent();
    }

    @Test
    void mountsServesAndUnmountsThroughTheHelper(FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("helper");
        MountSpec spec = MountSpec.builder("helper", dir, new HelloFuse())
            .mountStrategy(MountStrategy.FUSERMOUNT)
            .build();
        try (FuseMount mount = fx.manager().mount(spec)) {
            assertThat(Files.readString(dir.resolve("hello"))).isEqualTo("Hello World!");
            assertThat(MountTable.read().find(dir)).hasValueSatisfying((entry) -> {
                assertThat(entry.type()).isEqualTo(FuseMount.TYPE);
                assertThat(entry.source()).isEqualTo("fuse-spring-boot:helper");
            });
            assertThat(mount.connectionId()).isPositive();
        }
        assertThat(MountTable.read().find(dir)).isEmpty();
    }

    @Test
    void busyHelperMountStaysMountedWithoutLazyDetachAndUnmountsWhenFreed(FuseTestExtension.Fixture fx)
            throws Exception {
        Path dir = fx.dir("busy");
        MountSpec spec = MountSpec.builder("busy", dir, new HelloFuse())
            .mountStrategy(MountStrategy.FUSERMOUNT)
            .unmountTimeout(Duration.ofMillis(400))
            .unmountEscalation(new UnmountEscalation(true, false, true))
            .build();
        FuseMount mount = fx.manager().mount(spec);
        try (InputStream open = Files.newInputStream(dir.resolve("hello"))) {
            assertThatExceptionOfType(FuseMountException.class).isThrownBy(mount::unmount).satisfies((ex) -> {
                assertThat(ex.errno()).isEqualTo(Errno.EBUSY);
                assertThat(ex.getMessage()).contains("busy");
            });
            assertThat(mount.state()).isEqualTo(MountState.MOUNTED);
            assertThat(open.readAllBytes()).asString().isEqualTo("Hello World!");
        }
        mount.unmount();
        assertThat(mount.state()).isEqualTo(MountState.UNMOUNTED);
        assertThat(MountTable.read().find(dir)).isEmpty();
    }

    @Test
    void helperThatHangsIsKilledAndReapedWithinTheBound(FuseTestExtension.Fixture fx) throws Exception {
        Path stub = stub(fx, "hang", "exec sleep 60");
        Duration timeout = Duration.ofMillis(500);
        long started = System.nanoTime();
        Fusermount.Outcome outcome = Fusermount.mount(stub.toString(), fx.dir("hang").toString(), "rw", timeout);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(timeout.plusSeconds(1));
        assertThat(outcome.timedOut()).isTrue();
        assertThat(outcome.fd()).isEqualTo(-1);
        assertThat(outcome.signal()).isEqualTo(9);
        assertThat(outcome.errno()).isEqualTo(Errno.ETIMEDOUT);
        assertThat(Fusermount.unreaped()).isZero();
    }

    @Test
    void helperMessagesAreCapturedAndTheirErrnoRecognised(FuseTestExtension.Fixture fx) throws Exception {
        Path stub = stub(fx, "refuse", "echo \"$0: mount failed: Operation not permitted\" >&2; exit 1");
        Fusermount.Outcome outcome = Fusermount.mount(stub.toString(), fx.dir("refused").toString(), "rw",
                Duration.ofSeconds(5));
        assertThat(outcome.fd()).isEqualTo(-1);
        assertThat(outcome.exitStatus()).isEqualTo(1);
        assertThat(outcome.output()).contains("mount failed: Operation not permitted");
        assertThat(outcome.errno()).isEqualTo(Errno.EPERM);
        assertThat(outcome.describe()).startsWith("exit status 1: ").contains("Operation not permitted");
        Path busy = stub(fx, "busy", "echo \"$0: failed to unmount $4: Device or resource busy\" >&2; exit 1");
        Fusermount.Outcome unmount = Fusermount.unmount(busy.toString(), "/nowhere", false, Duration.ofSeconds(5));
        assertThat(unmount.succeeded()).isFalse();
        assertThat(unmount.errno()).isEqualTo(Errno.EBUSY);
    }

    private static Path stub(FuseTestExtension.Fixture fx, String name, String body) throws Exception {
        Path stub = fx.root().resolve(name + ".sh");
        Files.writeString(stub, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(stub, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return stub;
    }

    @Test
    void helperOptionsNameTheFlagsAndKernelData() {
        MountOptions options = MountOptions.parse(java.util.List.of("allow_other", "noatime", "max_read=65536"), true);
        assertThat(options.helperOptions()).isEqualTo("ro,nosuid,nodev,noatime,allow_other,max_read=65536,default_permissions");
    }

}
