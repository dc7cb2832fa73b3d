// A check's own directory on the filesystem under test, and the small set-up steps checks share.
package io.github.fusespringboot.test.conformance;

import java.nio.charset.StandardCharsets;

import io.github.fusespringboot.test.conformance.natives.FileStatus;

import static io.github.fusespringboot.test.conformance.Flags.O_CREAT;
import static io.github.fusespringboot.test.conformance.Flags.O_EXCL;
import static io.github.fusespringboot.test.conformance.Flags.O_RDONLY;
import static io.github.fusespringboot.test.conformance.Flags.O_WRONLY;

/**
 * Where a check works: {@link #dir()} is a fresh directory under the mount point (or, for read-only
 * checks of a filesystem the kit cannot write, the mount point itself). Set-up goes through the same
 * checked calls, so a set-up step that fails says which call it was.
 */
final class Scratch {

    private final String mountPoint;

    private final String dir;

    private final java.util.Set<Capability> declared;

    Scratch(String mountPoint, String dir, java.util.Set<Capability> declared) {
        this.mountPoint = mountPoint;
        this.dir = dir;
        this.declared = declared;
    }

    String mountPoint() {
        return this.mountPoint;
    }

    String dir() {
        return this.dir;
    }

    boolean declares(Capability capability) {
        return this.declared.contains(capability);
    }

    /** A path in the check's directory (not created). */
    String path(String name) {
        return this.dir + "/" + name;
    }

    /** Creates a file with {@code content} (mode 0644) and returns its path. */
    String file(String name, String content) {
        return file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    String file(String name, byte[] content) {
        String path = path(name);
        int fd = Posix.open(path, O_WRONLY | O_CREAT | O_EXCL, 0644).ok();
        try {
            if (content.length > 0) {
                Posix.write(fd, content).returns(content.length);
            }
        }
        finally {
            Posix.close(fd).ok();
        }
        return path;
    }

    /** Creates a directory (mode 0755) and returns its path. */
    String dir(String name) {
        String path = path(name);
        Posix.mkdir(path, 0755).ok();
        return path;
    }

    /** The whole content of a file, read through open(2) and read(2). */
    static byte[] read(String path) {
        int fd = Posix.open(path, O_RDONLY).ok();
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            while (true) {
                byte[] chunk = Posix.read(fd, 65536).ok();
                if (chunk.length == 0) {
                    return out.toByteArray();
                }
                out.writeBytes(chunk);
            }
        }
        finally {
            Posix.close(fd).ok();
        }
    }

    static String readString(String path) {
        return new String(read(path), StandardCharsets.UTF_8);
    }

    static FileStatus stat(String path) {
        return Posix.stat(path).ok();
    }

    static FileStatus lstat(String path) {
        return Posix.lstat(path).ok();
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

}
