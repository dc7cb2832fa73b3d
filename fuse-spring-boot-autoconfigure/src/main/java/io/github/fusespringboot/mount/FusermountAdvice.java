// What to tell the user when the fusermount helper did not mount, from what it said.
package io.github.fusespringboot.mount;

import static io.github.fusespringboot.mount.FuseMount.DEVICE;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.github.fusespringboot.mount.natives.Errno;
import io.github.fusespringboot.mount.natives.Fusermount;
import io.github.fusespringboot.mount.natives.Native;

/** Turns a failed run of the fusermount helper into the action that fixes it, or null when none is known. */
final class FusermountAdvice {

    private FusermountAdvice() {
    }

    static String helperAdvice(String helper, Fusermount.Outcome outcome, Duration mountTimeout) {
        String said = outcome.output();
        if (said.contains("user_allow_other")) {
            return "Add a line 'user_allow_other' to /etc/fuse.conf, or drop allow_other/allow_root";
        }
        if (said.contains("failed to open /dev/fuse")) {
            return "fusermount3 opens " + DEVICE + " as the calling user, so the device must be readable and writable "
                    + "by that user (crw-rw-rw-, the default of the distributions' udev rules; some containers and "
                    + "VMs create it crw-------: chmod 0666 " + DEVICE + ", or give a group access)";
        }
        if (said.contains("has no write access") || said.contains("not owned by user")) {
            return "A normal user can only mount on a directory they may write to (and own, if it is sticky)";
        }
        if (said.contains("mounting over filesystem type")) {
            return "fusermount3 refuses mount points on that kind of filesystem; choose a directory on a "
                    + "regular filesystem (ext4, xfs, btrfs, tmpfs, ...)";
        }
        if (said.contains("too many FUSE filesystems")) {
            return "Raise mount_max in /etc/fuse.conf, or unmount some";
        }
        if (outcome.timedOut()) {
            return "The helper was killed after the mount timeout (" + mountTimeout + ")";
        }
        if (Native.effectiveUid() != 0 && !Fusermount.isSetUid(helper)) {
            return helper + " is not set-uid root, so it cannot mount for a normal user (chmod u+s " + helper
                    + ", as packaged by fuse3)";
        }
        if (outcome.errno() == Errno.EPERM && noNewPrivileges()) {
            return "This process runs with no_new_privs (NoNewPrivs: 1 in /proc/self/status: systemd "
                    + "NoNewPrivileges=, docker --security-opt no-new-privileges, ...), so the set-uid helper gets "
                    + "no privilege; drop that setting or run as root with the mount strategy 'direct'";
        }
        return null;
    }

    private static boolean noNewPrivileges() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status"))
                .stream()
                .anyMatch((line) -> line.startsWith("NoNewPrivs:") && line.substring(11).trim().equals("1"));
        }
        catch (IOException ex) {
            return false;
        }
    }

}
