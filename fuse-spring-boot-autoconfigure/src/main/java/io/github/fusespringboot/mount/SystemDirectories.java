// Directories a mount must never hide unless the user insists.
package io.github.fusespringboot.mount;

import java.nio.file.Path;
import java.util.Set;

/**
 * The system directories a FUSE mount would hide the operating system's files under. Mounting on one
 * of them (or anywhere below {@code /proc}, {@code /sys} or {@code /dev}) is refused unless allowed.
 */
final class SystemDirectories {

    private static final Set<String> EXACT = Set.of("/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32",
            "/lib64", "/libx32", "/media", "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp",
            "/usr", "/usr/bin", "/usr/lib", "/usr/local", "/usr/sbin", "/usr/share", "/var", "/var/lib", "/var/log",
            "/var/run", "/var/tmp");

    private static final Set<String> TREES = Set.of("/proc/", "/sys/", "/dev/");

    private SystemDirectories() {
    }

    static boolean isProtected(Path path) {
        String normalized = path.normalize().toString();
        if (EXACT.contains(normalized)) {
            return true;
        }
        for (String tree : TREES) {
            if (normalized.startsWith(tree)) {
                return true;
            }
        }
        return false;
    }

}
