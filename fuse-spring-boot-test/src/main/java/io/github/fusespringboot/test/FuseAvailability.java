// Whether this process can mount FUSE filesystems for a test, through which strategy, and if not, why.
package io.github.fusespringboot.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.github.fusespringboot.mount.MountManager;
import io.github.fusespringboot.mount.MountStrategy;

/**
 * Decided once per JVM from what the engine reports ({@link MountManager#unavailabilityCause()}:
 * libc, {@code /dev/fuse}; the engine needs no libfuse) and from {@code /proc/self/status}: with {@code CAP_SYS_ADMIN}
 * the engine's default direct mount works; without it, the set-uid {@code fusermount3} helper can
 * mount instead if it is installed set-uid root, privilege can be gained ({@code NoNewPrivs} 0 and
 * {@code CAP_SYS_ADMIN} in the bounding set) and {@code /dev/fuse} is readable and writable by the
 * process. Otherwise FUSE is unavailable, and the reason says what is missing and what to do.
 *
 * @param strategy how to mount here, or {@code null} when FUSE cannot be used
 * @param reason why FUSE cannot be used, or how it will be used
 */
record FuseAvailability(MountStrategy strategy, String reason) {

    /** {@code CAP_SYS_ADMIN} (include/uapi/linux/capability.h): what mount(2) checks. */
    static final int CAP_SYS_ADMIN = 21;

    private static final Path DEVICE = Path.of("/dev/fuse");

    /** Where the helper is looked for after {@code PATH}, as the engine does. */
    private static final List<String> STANDARD_DIRECTORIES = List.of("/usr/bin", "/bin");

    private static final List<String> HELPER_NAMES = List.of("fusermount3", "fusermount");

    /** Whether a test can mount. */
    boolean usable() {
        return this.strategy != null;
    }

    /** This JVM's answer, computed on first use. */
    static FuseAvailability current() {
        return Holder.CURRENT;
    }

    /** What the process and the machine offer, read from the engine, /proc and the file system. */
    record Facts(String engineProblem, long effectiveCapabilities, long boundingCapabilities, boolean noNewPrivileges,
            int uid, boolean deviceAccessible, String helper, String helperProblem) {

        static Facts read() {
            String engineProblem = MountManager.unavailabilityCause();
            ProcStatus status = ProcStatus.read();
            boolean deviceAccessible = Files.isReadable(DEVICE) && Files.isWritable(DEVICE);
            String helper = null;
            String helperProblem = "neither fusermount3 nor fusermount is installed "
                    + "(Debian/Ubuntu and Fedora package fuse3)";
            for (String name : HELPER_NAMES) {
                Optional<Path> found = find(name);
                if (found.isPresent()) {
                    helper = found.get().toString();
                    helperProblem = helperProblem(found.get());
                    break;
                }
            }
            return new Facts(engineProblem, status.effectiveCapabilities(), status.boundingCapabilities(),
                    status.noNewPrivileges(), status.uid(), deviceAccessible, helper, helperProblem);
        }

        private static Optional<Path> find(String name) {
            List<String> directories = new ArrayList<>();
            String path = System.getenv("PATH");
            if (path != null) {
                for (String dir : path.split(":")) {
                    if (dir.startsWith("/")) { // a set-uid helper is never taken from a relative directory
                        directories.add(dir);
                    }
                }
            }
            directories.addAll(STANDARD_DIRECTORIES);
            return directories.stream()
                .map((dir) -> Path.of(dir, name))
                .filter(Files::isRegularFile)
                .filter(Files::isExecutable)
                .findFirst();
        }

        /** Why the helper cannot mount for this process, or null. */
        private static String helperProblem(Path helper) {
            try {
                Path real = helper.toRealPath();
                int mode = (Integer) Files.getAttribute(real, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                int owner = (Integer) Files.getAttribute(real, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                if (owner != 0 || (mode & 04000) == 0) {
                    return helper + " is not set-uid root";
                }
                return null;
            }
            catch (IOException | UnsupportedOperationException | IllegalArgumentException ex) {
                return "cannot read the attributes of " + helper + ": " + ex.getMessage();
            }
        }

    }

    /** The decision, from facts alone. */
    static FuseAvailability decide(Facts facts) {
        if (facts.engineProblem() != null) {
            return unavailable(facts.engineProblem());
        }
        boolean sysAdmin = (facts.effectiveCapabilities() & (1L << CAP_SYS_ADMIN)) != 0;
        if (sysAdmin && facts.deviceAccessible()) {
            return new FuseAvailability(MountStrategy.DIRECT,
                    "mounting directly with mount(2): this process has CAP_SYS_ADMIN");
        }
        List<String> helperProblems = new ArrayList<>();
        if (facts.helper() == null || facts.helperProblem() != null) {
            helperProblems.add(facts.helperProblem());
        }
        if ((facts.boundingCapabilities() & (1L << CAP_SYS_ADMIN)) == 0) {
            helperProblems.add("CAP_SYS_ADMIN is not in this process's bounding set (a container without "
                    + "--cap-add SYS_ADMIN), so a set-uid helper cannot gain it either");
        }
        if (facts.noNewPrivileges()) {
            helperProblems.add("the process runs with no_new_privs (NoNewPrivs: 1), so set-uid has no effect");
        }
        if (!facts.deviceAccessible()) {
            helperProblems.add(DEVICE + " is not readable and writable by uid " + facts.uid());
        }
        if (helperProblems.isEmpty()) {
            return new FuseAvailability(MountStrategy.FUSERMOUNT, "mounting through the set-uid helper "
                    + facts.helper() + ": uid " + facts.uid() + " has no CAP_SYS_ADMIN");
        }
        String direct = sysAdmin ? "a direct mount would need " + DEVICE + " to be readable and writable"
                : "a direct mount needs root or CAP_SYS_ADMIN, which uid " + facts.uid() + " does not have";
        return unavailable("no privilege to mount: " + direct + ", and the fusermount3 helper cannot mount instead: "
                + String.join("; ", helperProblems) + ". Run the tests as root (in a container: --device /dev/fuse "
                + "--cap-add SYS_ADMIN), or install fuse3 with fusermount3 set-uid root and a " + DEVICE
                + " that is crw-rw-rw-");
    }

    private static FuseAvailability unavailable(String why) {
        return new FuseAvailability(null, "FUSE cannot be used here, so this test is skipped: " + why);
    }

    private static final class Holder {

        static final FuseAvailability CURRENT = decide(Facts.read());

    }

}
