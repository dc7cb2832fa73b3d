// The kernel's fusectl view of FUSE connections: abort one, read how many requests wait on it.
package io.github.fusespringboot.mount;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

import io.github.fusespringboot.mount.natives.Native;
import io.github.fusespringboot.mount.natives.NativeCallException;

/**
 * {@code /sys/fs/fuse/connections/<id>/} (Documentation/filesystems/fuse.rst, "Control filesystem"):
 * {@code abort} ends a connection whose server does not answer, failing every waiting request with
 * ENOTCONN; {@code waiting} counts requests not yet answered. Mounts fusectl there when it is not.
 */
public final class FuseConnections {

    static final Path ROOT = Path.of("/sys/fs/fuse/connections");

    private FuseConnections() {
    }

    /** Aborts a connection. Returns whether the abort file could be written. */
    public static boolean abort(int connectionId) {
        if (connectionId < 0) {
            return false;
        }
        Path abort = directory(connectionId).resolve("abort");
        try {
            Files.writeString(abort, "1", StandardCharsets.US_ASCII);
            return true;
        }
        catch (IOException ex) {
            return false;
        }
    }

    /** How many requests wait on the connection, if it can be read. */
    public static OptionalInt waiting(int connectionId) {
        if (connectionId < 0) {
            return OptionalInt.empty();
        }
        try {
            String text = Files.readString(directory(connectionId).resolve("waiting"), StandardCharsets.US_ASCII);
            return OptionalInt.of(Integer.parseInt(text.trim()));
        }
        catch (IOException | NumberFormatException ex) {
            return OptionalInt.empty();
        }
    }

    private static Path directory(int connectionId) {
        ensureMounted();
        return ROOT.resolve(Integer.toString(connectionId));
    }

    private static void ensureMounted() {
        if (Files.isDirectory(ROOT.resolve("."))
                && MountLookup.at(ROOT).filter((e) -> e.type().equals("fusectl")).isPresent()) {
            return;
        }
        try {
            Native.mount("fusectl", ROOT.toString(), "fusectl", 0, "");
        }
        catch (NativeCallException ex) {
            // EBUSY: mounted meanwhile by someone else, which is what we want; otherwise abort fails below
        }
    }

}
