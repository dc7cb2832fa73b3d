// The kit's entry point: one line in a JUnit 5 @TestFactory runs the catalogue against a mounted filesystem.
package io.github.fusespringboot.test.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.github.fusespringboot.test.conformance.natives.Syscalls;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * POSIX conformance checks for a mounted filesystem, as JUnit 5 dynamic tests:
 * <pre>{@code
 * @TestFactory
 * Stream<DynamicNode> conformance() {
 *     return FuseConformance.at(mountPoint).supporting(Capability.READ_ONLY, Capability.CREATE_WRITE).tests();
 * }
 * }</pre>
 * One container per {@link Capability}, one test per check. Checks of a capability not declared are
 * skipped (aborted with the reason), never left out. Each check works in a fresh directory it makes
 * under the mount point and removes afterwards. A failure reads
 * {@code open("/m/conformance-…/f", O_RDONLY|O_CREAT|O_EXCL, 0644): expected success, actual -1 ENOENT (No such file or directory)}.
 * Checks run one after the other, each on a thread bounded by {@link #withTimeout(Duration)} (a check
 * that needs another user or umask uses a thread of its own), and leave the JVM's umask alone. A
 * failing check is run again on a local control directory ({@link #withControl(Path)}), and its
 * failure says whether it passes there.
 */
public final class FuseConformance {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final Path mountPoint;

    private final Set<Capability> declared;

    private final Path control;

    private final Duration timeout;

    private final String runId;

    private final AtomicInteger sequence = new AtomicInteger();

    private FuseConformance(Path mountPoint, Set<Capability> declared, Path control, Duration timeout) {
        this.mountPoint = mountPoint;
        this.declared = declared;
        this.control = control;
        this.timeout = timeout;
        this.runId = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    }

    /**
     * The kit for the filesystem mounted at {@code mountPoint} (any directory works: a local one is the
     * kit's own control), declaring no capability yet.
     * @throws IllegalArgumentException if {@code mountPoint} is not an existing directory
     */
    public static FuseConformance at(Path mountPoint) {
        Path absolute = mountPoint.toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute)) {
            throw new IllegalArgumentException(
                    "FuseConformance.at(" + absolute + "): not a directory; pass the mount point of a mounted filesystem");
        }
        return new FuseConformance(absolute, EnumSet.noneOf(Capability.class),
                Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize(), DEFAULT_TIMEOUT);
    }

    /** This kit with {@code capabilities} declared supported, in addition to those already declared. */
    public FuseConformance supporting(Capability... capabilities) {
        Set<Capability> more = EnumSet.noneOf(Capability.class);
        more.addAll(this.declared);
        Collections.addAll(more, capabilities);
        return new FuseConformance(this.mountPoint, more, this.control, this.timeout);
    }

    /** This kit without {@code capabilities}: {@code supportingAll().without(Capability.MULTI_USER)}. */
    public FuseConformance without(Capability... capabilities) {
        Set<Capability> fewer = EnumSet.noneOf(Capability.class);
        fewer.addAll(this.declared);
        fewer.removeAll(Set.of(capabilities));
        return new FuseConformance(this.mountPoint, fewer, this.control, this.timeout);
    }

    /**
     * This kit with {@code localDirectory} (default: {@code java.io.tmpdir}) as its control: a check
     * that fails on the filesystem is run again there, and the failure says whether it passes on a
     * plain local directory (then the filesystem is what differs) or fails there too (then it is the
     * kit, or a limit of that directory).
     */
    public FuseConformance withControl(Path localDirectory) {
        Path absolute = localDirectory.toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute)) {
            throw new IllegalArgumentException("FuseConformance.withControl(" + absolute + "): not a directory");
        }
        return new FuseConformance(this.mountPoint, this.declared, absolute, this.timeout);
    }

    /**
     * This kit with each check bounded by {@code timeout} (default 60 s): a check stuck in the
     * filesystem fails, naming itself, instead of hanging the build (its thread is abandoned).
     */
    public FuseConformance withTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("FuseConformance.withTimeout(" + timeout + "): must be positive");
        }
        return new FuseConformance(this.mountPoint, this.declared, this.control, timeout);
    }

    /** This kit without a control run of failing checks. */
    public FuseConformance withoutControl() {
        return new FuseConformance(this.mountPoint, this.declared, null, this.timeout);
    }

    /** This kit with every capability declared: what a local directory supports. */
    public FuseConformance supportingAll() {
        return supporting(Capability.values());
    }

    /** The catalogue as dynamic tests, one container per capability (all of them, declared or not). */
    public Stream<DynamicNode> tests() {
        List<DynamicNode> groups = new ArrayList<>();
        for (Capability capability : Capability.values()) {
            List<DynamicNode> checks = Catalogue.of(capability)
                .stream()
                .map((check) -> (DynamicNode) DynamicTest.dynamicTest(check.name(),
                        () -> Assertions.assertTimeoutPreemptively(this.timeout, () -> run(check),
                                () -> "the check did not finish within " + this.timeout
                                        + ": a call is stuck in the filesystem under test")))
                .toList();
            groups.add(DynamicContainer.dynamicContainer(capability.title() + " [" + capability.name() + "]", checks));
        }
        return groups.stream();
    }

    private void run(Check check) throws Exception {
        if (!this.declared.contains(check.capability())) {
            Assumptions.abort("capability " + check.capability() + " not declared in FuseConformance.supporting(...)");
        }
        Set<Capability> missing = EnumSet.noneOf(Capability.class);
        missing.addAll(check.capability().requires());
        missing.addAll(check.alsoNeeds());
        missing.removeAll(this.declared);
        if (!missing.isEmpty()) {
            Assumptions.abort("this " + check.capability() + " check also needs "
                    + missing.stream().map(Enum::name).collect(Collectors.joining(", ")) + " declared");
        }
        if ((check.needsRoot() || check.capability() == Capability.MULTI_USER) && Syscalls.geteuid() != 0) {
            Assumptions.abort("this check needs root (euid is " + Syscalls.geteuid() + ")");
        }
        if (check.capability() == Capability.MULTI_USER) {
            requireMultiUserMount();
        }
        try {
            runIn(this.mountPoint, check);
        }
        catch (AssertionError failure) {
            if (this.control == null || this.control.startsWith(this.mountPoint)) {
                throw failure;
            }
            String message = failure.getMessage() + "\n" + onControl(check);
            if (failure instanceof AssertionFailedError detailed) {
                throw new AssertionFailedError(message,
                        detailed.isExpectedDefined() ? detailed.getExpected().getValue() : null,
                        detailed.isActualDefined() ? detailed.getActual().getValue() : null, failure);
            }
            throw new AssertionError(message, failure);
        }
    }

    /** Runs {@code check} in a fresh directory under {@code root} (the mount point, or the control). */
    private void runIn(Path root, Check check) throws Exception {
        if (!this.declared.contains(Capability.CREATE_WRITE)) {
            // read-only and statfs checks of a filesystem the kit cannot write work on what is there
            check.body().run(new Scratch(root.toString(), root.toString(), this.declared));
            return;
        }
        String dir = root + "/conformance-" + this.runId + "-" + this.sequence.incrementAndGet();
        Posix.mkdir(dir, 0755).ok();
        try {
            check.body().run(new Scratch(root.toString(), dir, this.declared));
        }
        finally {
            removeTree(Path.of(dir));
        }
    }

    /** What the same check does on the control directory, as a line to add to its failure. */
    private String onControl(Check check) {
        try {
            runIn(this.control, check);
            return "(the same check passes on the local control directory " + this.control
                    + ": what differs is the filesystem under test)";
        }
        catch (TestAbortedException ex) {
            return "(the same check could not run on the local control directory " + this.control + ": "
                    + ex.getMessage() + ")";
        }
        catch (Throwable ex) {
            return "(the same check fails on the local control directory " + this.control
                    + " too, so suspect the kit or a limit of that directory: " + ex.getMessage() + ")";
        }
    }

    /**
     * Fails a multi-user check up front on a FUSE mount without {@code allow_other} and
     * {@code default_permissions}: there the kernel checks no modes, so what the checks expect
     * cannot happen, and their failures would point at the wrong cause.
     */
    private void requireMultiUserMount() {
        MountedOptions mount = MountedOptions.of(this.mountPoint.toString());
        if (mount == null || !mount.isFuse()) {
            return;
        }
        List<String> lacking = Stream.of("allow_other", "default_permissions")
            .filter((option) -> !mount.options().contains(option))
            .toList();
        if (!lacking.isEmpty()) {
            throw new AssertionFailedError("MULTI_USER is declared, but " + mount.mountPoint()
                    + " is mounted without " + String.join(" and ", lacking) + " (its options: "
                    + String.join(",", mount.options()) + "); mount with -o allow_other,default_permissions "
                    + "or do not declare MULTI_USER");
        }
    }

    /** Best-effort removal of a check's directory (the check's verdict is already made). */
    private static void removeTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> paths = walk.toList();
            for (Path path : paths) {
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
                }
            }
            for (int i = paths.size() - 1; i >= 0; i--) {
                Files.deleteIfExists(paths.get(i));
            }
        }
        catch (IOException | RuntimeException ex) {
            // left for the mount's owner: the check's verdict does not depend on its clean-up
        }
    }

}
