// Makes sure descriptors 0..2 are open and 3 is taken before the first mount.
package io.github.fusespringboot.mount;

import java.util.ArrayList;
import java.util.List;

import io.github.fusespringboot.mount.natives.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the lowest descriptors occupied so a FUSE descriptor can never land on them: a helper process
 * that rearranges 0..3 would otherwise close or overwrite it (go-fuse #506, see ORIGIN.md). Opens
 * {@code /dev/null} (or a pipe, without it) onto a closed 0, 1 or 2, and onto 3 (close-on-exec) when
 * free. The engine also moves every {@code /dev/fuse} descriptor to 4 or above. Idempotent,
 * thread-safe, logged once; callable without Spring.
 */
public final class FileDescriptorReservation {

    private static final Logger logger = LoggerFactory.getLogger(FileDescriptorReservation.class);

    private static List<Integer> reopened;

    private FileDescriptorReservation() {
    }

    /** Reserves 0..3. Returns the descriptors it had to open (empty when all were open already). */
    public static synchronized List<Integer> reserve() {
        if (reopened != null) {
            return reopened;
        }
        List<Integer> opened = new ArrayList<>();
        if (!Native.isAvailable()) {
            reopened = List.of();
            return reopened;
        }
        for (int fd = 0; fd <= 3; fd++) {
            if (Native.occupyIfClosed(fd, fd == 3)) {
                opened.add(fd);
            }
        }
        reopened = List.copyOf(opened);
        if (opened.isEmpty()) {
            logger.debug("Descriptors 0-3 are all open; no FUSE descriptor can land on them");
        }
        else {
            logger.info("Opened /dev/null on descriptor(s) {} so that no FUSE descriptor can land on 0-3", opened);
        }
        return reopened;
    }

}
