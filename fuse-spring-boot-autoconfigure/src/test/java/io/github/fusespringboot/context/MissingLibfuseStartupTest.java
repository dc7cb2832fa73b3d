package io.github.fusespringboot.context;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.github.fusespringboot.mount.ChildJvm;
import io.github.fusespringboot.mount.FuseTestExtension;
import io.github.fusespringboot.mount.ManagedFuseStubFS;
import io.github.fusespringboot.mount.natives.Native;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * A machine without libfuse2, for real: the application runs in a child JVM inside a private mount
 * namespace where {@code libfuse.so.2} (the link and the file it points to) is covered by
 * {@code /dev/null}; the host keeps its library. With a jnr-fuse {@code FuseStubFS} bean, startup
 * must end in Boot's report naming the library, the bean and both ways out, with no stack trace, and
 * a non-zero exit status; a {@code ManagedFuseStubFS} bean mounts and serves.
 */
@ExtendWith(FuseTestExtension.class)
class MissingLibfuseStartupTest {

    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);

    private static final List<String> LIBRARY_DIRECTORIES = List.of("/lib/x86_64-linux-gnu",
            "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib");

    @BeforeAll
    static void needsRoot() {
        assumeThat(Native.effectiveUid()).as("unshare -m and bind mounts need root; not root, so skipped").isZero();
    }

    @Test
    void aFuseStubFSBeanWithoutLibfuse2FailsWithTheReportNamingTheBeanAndThePackages(FuseTestExtension.Fixture fx)
            throws Exception {
        ChildJvm.Result child = runWithoutLibfuse(fx, "stub");
        assertThat(child.exitStatus()).as(child.output()).isNotZero();
        assertThat(child.output()).contains("APPLICATION FAILED TO START", "Description:",
                "libfuse 2 (libfuse.so.2) could not be loaded while creating the bean 'data'",
                "RootOnlyStubFilesystem", "libfuse.so.2: file too short", "jnr-fuse's AbstractFuseFS constructor",
                "Action:",
                "apt-get install libfuse2;", "apt-get install libfuse2t64", "dnf install fuse-libs", "apk add fuse",
                "extend " + ManagedFuseStubFS.class.getName() + " instead of jnr-fuse's FuseStubFS",
                "mounts where libfuse2 is not installed", "The starter's engine needs no libfuse")
            .doesNotContain("STARTED", "fuse.engine");
        assertNoStackTrace(child);
    }

    @Test
    void aManagedFuseStubFSBeanMountsAndServesWithoutLibfuse2(FuseTestExtension.Fixture fx) throws Exception {
        ChildJvm.Result child = runWithoutLibfuse(fx, "managed");
        assertThat(child.exitStatus()).as(child.output()).isZero();
        assertThat(child.output()).contains("Mounted 1 of 1 FUSE filesystem(s)", "STARTED", "Unmounted 1 FUSE filesystem(s)")
            .doesNotContain("APPLICATION FAILED TO START", "libfuse.so");
    }

    @Test
    void aManagedFuseStubFSBeanNeedsNoLibfuse2WhileNothingIsMounted(FuseTestExtension.Fixture fx) throws Exception {
        // the bean's constructor loads nothing native either: the application starts when the starter is off
        ChildJvm.Result child = runWithoutLibfuse(fx, "managed", "--fuse.enabled=false");
        assertThat(child.exitStatus()).as(child.output()).isZero();
        assertThat(child.output()).contains("STARTED").doesNotContain("APPLICATION FAILED TO START");
    }

    private static ChildJvm.Result runWithoutLibfuse(FuseTestExtension.Fixture fx, String kind, String... properties)
            throws Exception {
        Set<Path> libraries = installedLibfuse2();
        assertThat(libraries).as("libfuse.so.2 on the host (Debian package libfuse2), which the child hides")
            .isNotEmpty();
        Path work = fx.dir("work");
        Files.createDirectories(fx.root().resolve("data"));
        ChildJvm jvm = ChildJvm.create();
        for (Path library : libraries) {
            jvm.inPrivateMountNamespace("mount --bind /dev/null " + quote(library.toString()));
        }
        List<String> arguments = new ArrayList<>(List.of(kind, "--test.root=" + fx.root()));
        arguments.addAll(List.of(properties));
        ChildJvm.Result child = jvm.run(work, CHILD_TIMEOUT, StartupChild.class, arguments.toArray(String[]::new));
        // the host still has it
        assertThat(Files.size(libraries.iterator().next())).isPositive();
        return child;
    }

    /** Every libfuse.so.2 the dynamic loader or jnr-ffi could find, as the real files the links point to. */
    private static Set<Path> installedLibfuse2() throws IOException {
        Set<Path> found = new LinkedHashSet<>();
        for (String dir : LIBRARY_DIRECTORIES) {
            for (String name : List.of("libfuse.so.2", "libfuse.so")) {
                Path candidate = Path.of(dir, name);
                if (Files.exists(candidate)) {
                    found.add(candidate.toRealPath());
                }
            }
        }
        return found;
    }

    /** The report replaces the trace: no "at ..." frames, in particular none of jnr-fuse's constructor. */
    private static void assertNoStackTrace(ChildJvm.Result child) {
        assertThat(child.output()).as(child.output())
            .doesNotContain("at ru.serce.jnrfuse.AbstractFuseFS.<init>")
            .doesNotContain("Application run failed")
            .doesNotContainPattern("(?m)^\\s+at [a-z]");
        assertThat(child.output().lines().count()).as(child.output()).isLessThan(60);
    }

    private static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }

}
