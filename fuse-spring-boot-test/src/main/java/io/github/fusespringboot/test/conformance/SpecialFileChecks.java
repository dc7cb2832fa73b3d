// Checks of mkfifo(3) and mknod(2): FIFOs, sockets, regular files and character devices.
package io.github.fusespringboot.test.conformance;

import java.util.List;

import io.github.fusespringboot.test.conformance.natives.FileStatus;

import static io.github.fusespringboot.test.conformance.Capability.SPECIAL_FILES;
import static io.github.fusespringboot.test.conformance.Errnos.EEXIST;
import static io.github.fusespringboot.test.conformance.Errnos.ENOENT;
import static io.github.fusespringboot.test.conformance.Flags.O_NONBLOCK;
import static io.github.fusespringboot.test.conformance.Flags.O_RDONLY;
import static io.github.fusespringboot.test.conformance.Flags.O_WRONLY;

/** {@link Capability#SPECIAL_FILES}. */
final class SpecialFileChecks {

    private SpecialFileChecks() {
    }

    static List<Check> checks() {
        return List.of(Check.of(SPECIAL_FILES, "mkfifo makes a FIFO with the mode asked", (s) -> {
            String fifo = s.path("fifo");
            Caller.withUmask(022, () -> Posix.mkfifo(fifo, 0640).ok());
            FileStatus status = Scratch.lstat(fifo);
            Expect.mode("lstat(\"" + fifo + "\").st_mode & S_IFMT", FileStatus.S_IFIFO, status.type());
            Expect.mode("lstat(\"" + fifo + "\").st_mode & 07777", 0640, status.permissions());
        }), node("mknod(S_IFIFO) makes a FIFO", FileStatus.S_IFIFO),
        node("mknod(S_IFSOCK) makes a socket node", FileStatus.S_IFSOCK),
        node("mknod(S_IFREG) makes an empty regular file", FileStatus.S_IFREG),
        Check.of(SPECIAL_FILES, "mknod(S_IFCHR) makes a character device with the device number asked", (s) -> {
            String device = s.path("null");
            Posix.mknod(device, FileStatus.S_IFCHR | 0644, 1, 3).ok();
            FileStatus status = Scratch.lstat(device);
            Expect.mode("lstat(\"" + device + "\").st_mode & S_IFMT", FileStatus.S_IFCHR, status.type());
            Expect.equal("lstat(\"" + device + "\") major:minor", "1:3", status.rdevMajor() + ":" + status.rdevMinor());
        }).asRoot(), Check.of(SPECIAL_FILES, "mkfifo of an existing name fails with EEXIST",
                (s) -> Posix.mkfifo(s.file("f", ""), 0644).fails(EEXIST)),
        Check.of(SPECIAL_FILES, "a FIFO carries bytes from its writer to its reader", (s) -> {
            String fifo = s.path("fifo");
            Posix.mkfifo(fifo, 0644).ok();
            int reader = Posix.open(fifo, O_RDONLY | O_NONBLOCK).ok();
            try {
                int writer = Posix.open(fifo, O_WRONLY | O_NONBLOCK).ok();
                try {
                    Posix.write(writer, Scratch.bytes("piped")).returns(5);
                }
                finally {
                    Posix.close(writer).ok();
                }
                Expect.bytes("read(" + reader + ", buf, 16) from the FIFO", Scratch.bytes("piped"),
                        Posix.read(reader, 16).ok());
            }
            finally {
                Posix.close(reader).ok();
            }
        }), Check.of(SPECIAL_FILES, "unlink of a FIFO removes it", (s) -> {
            String fifo = s.path("fifo");
            Posix.mkfifo(fifo, 0644).ok();
            Posix.unlink(fifo).ok();
            Posix.lstat(fifo).fails(ENOENT);
        }));
    }

    private static Check node(String name, int type) {
        return Check.of(SPECIAL_FILES, name, (s) -> {
            String path = s.path("node");
            Caller.withUmask(022, () -> Posix.mknod(path, type | 0600, 0, 0).ok());
            FileStatus status = Scratch.lstat(path);
            Expect.mode("lstat(\"" + path + "\").st_mode & S_IFMT", type, status.type());
            Expect.mode("lstat(\"" + path + "\").st_mode & 07777", 0600, status.permissions());
            if (type == FileStatus.S_IFREG) {
                Expect.equal("lstat(\"" + path + "\").st_size", 0L, status.size());
            }
        });
    }

}
