// The few fields of /proc/self/status that say what this process may mount.
package io.github.fusespringboot.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code Uid} (effective), {@code CapEff}, {@code CapBnd} and {@code NoNewPrivs} of this process
 * (Documentation/filesystems/proc.rst). Where the file cannot be read (not Linux), the process is
 * treated as having nothing: no capability, so no mount.
 */
record ProcStatus(int uid, long effectiveCapabilities, long boundingCapabilities, boolean noNewPrivileges) {

    private static final Path STATUS = Path.of("/proc/self/status");

    static ProcStatus read() {
        try {
            return parse(Files.readString(STATUS));
        }
        catch (IOException ex) {
            return new ProcStatus(-1, 0, 0, true);
        }
    }

    static ProcStatus parse(String text) {
        int uid = -1;
        long effective = 0;
        long bounding = 0;
        boolean noNewPrivileges = false;
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon);
            String value = line.substring(colon + 1).trim();
            switch (key) {
                case "Uid" -> uid = Integer.parseInt(value.split("\\s+")[1]); // real, effective, saved, fs
                case "CapEff" -> effective = Long.parseUnsignedLong(value, 16);
                case "CapBnd" -> bounding = Long.parseUnsignedLong(value, 16);
                case "NoNewPrivs" -> noNewPrivileges = value.equals("1");
                default -> {
                }
            }
        }
        return new ProcStatus(uid, effective, bounding, noNewPrivileges);
    }

}
