// The system calls checks make, each returned as a Call that knows how it was written in C.
package io.github.fusespringboot.test.conformance;

import java.nio.charset.StandardCharsets;

import io.github.fusespringboot.test.conformance.natives.DirectoryStream;
import io.github.fusespringboot.test.conformance.natives.FileStatus;
import io.github.fusespringboot.test.conformance.natives.FilesystemStatus;
import io.github.fusespringboot.test.conformance.natives.Outcome;
import io.github.fusespringboot.test.conformance.natives.SharedMapping;
import io.github.fusespringboot.test.conformance.natives.Syscalls;
import io.github.fusespringboot.test.conformance.natives.Valued;

/** Checked system calls: {@code Posix.open(path, flags, mode).ok()}, {@code ....fails(ENOENT)}. */
final class Posix {

    private Posix() {
    }

    static Call<Integer> open(String path, int flags, int mode) {
        String call = ((flags & Flags.O_CREAT) != 0)
                ? "open(" + q(path) + ", " + Flags.open(flags) + ", " + Flags.mode(mode) + ")"
                : "open(" + q(path) + ", " + Flags.open(flags) + ")";
        return descriptor(call, Syscalls.open(path, flags, mode));
    }

    static Call<Integer> open(String path, int flags) {
        return open(path, flags, 0);
    }

    static Call<Long> close(int fd) {
        return number("close(" + fd + ")", Syscalls.close(fd));
    }

    /** {@code read(fd, buf, count)}; the value is the bytes read. */
    static Call<byte[]> read(int fd, int count) {
        byte[] buffer = new byte[count];
        Outcome outcome = Syscalls.read(fd, buffer);
        return bytes("read(" + fd + ", buf, " + count + ")", buffer, outcome);
    }

    static Call<Long> write(int fd, byte[] data) {
        return number("write(" + fd + ", " + describe(data) + ", " + data.length + ")", Syscalls.write(fd, data));
    }

    static Call<byte[]> pread(int fd, int count, long offset) {
        byte[] buffer = new byte[count];
        Outcome outcome = Syscalls.pread(fd, buffer, offset);
        return bytes("pread(" + fd + ", buf, " + count + ", " + offset + ")", buffer, outcome);
    }

    static Call<Long> pwrite(int fd, byte[] data, long offset) {
        return number("pwrite(" + fd + ", " + describe(data) + ", " + data.length + ", " + offset + ")",
                Syscalls.pwrite(fd, data, offset));
    }

    static Call<Long> lseek(int fd, long offset, int whence) {
        return number("lseek(" + fd + ", " + offset + ", " + Flags.whence(whence) + ")",
                Syscalls.lseek(fd, offset, whence));
    }

    static Call<Long> copyFileRange(int fdIn, long offsetIn, int fdOut, long offsetOut, long length) {
        return number("copy_file_range(" + fdIn + ", &" + offsetIn + ", " + fdOut + ", &" + offsetOut + ", " + length
                + ", 0)", Syscalls.copyFileRange(fdIn, offsetIn, fdOut, offsetOut, length));
    }

    static Call<FileStatus> stat(String path) {
        return valued("stat(" + q(path) + ")", Syscalls.stat(path, true));
    }

    static Call<FileStatus> lstat(String path) {
        return valued("lstat(" + q(path) + ")", Syscalls.stat(path, false));
    }

    static Call<FileStatus> fstat(int fd) {
        return valued("fstat(" + fd + ")", Syscalls.fstat(fd));
    }

    static Call<Long> mkdir(String path, int mode) {
        return number("mkdir(" + q(path) + ", " + Flags.mode(mode) + ")", Syscalls.mkdir(path, mode));
    }

    static Call<Long> rmdir(String path) {
        return number("rmdir(" + q(path) + ")", Syscalls.rmdir(path));
    }

    static Call<Long> unlink(String path) {
        return number("unlink(" + q(path) + ")", Syscalls.unlink(path));
    }

    static Call<Long> rename(String from, String to) {
        return number("rename(" + q(from) + ", " + q(to) + ")", Syscalls.rename(from, to));
    }

    static Call<Long> renameat2(String from, String to, int flags) {
        return number("renameat2(AT_FDCWD, " + q(from) + ", AT_FDCWD, " + q(to) + ", " + Flags.rename(flags) + ")",
                Syscalls.renameat2(from, to, flags));
    }

    static Call<Long> link(String existing, String newPath) {
        return number("link(" + q(existing) + ", " + q(newPath) + ")", Syscalls.link(existing, newPath));
    }

    static Call<Long> symlink(String target, String linkPath) {
        return number("symlink(" + q(target) + ", " + q(linkPath) + ")", Syscalls.symlink(target, linkPath));
    }

    static Call<String> readlink(String path, int size) {
        return valued("readlink(" + q(path) + ", buf, " + size + ")", Syscalls.readlink(path, size));
    }

    static Call<Long> chmod(String path, int mode) {
        return number("chmod(" + q(path) + ", " + Flags.mode(mode) + ")", Syscalls.chmod(path, mode));
    }

    static Call<Long> fchmod(int fd, int mode) {
        return number("fchmod(" + fd + ", " + Flags.mode(mode) + ")", Syscalls.fchmod(fd, mode));
    }

    static Call<Long> chown(String path, int uid, int gid) {
        return number("chown(" + q(path) + ", " + uid + ", " + gid + ")", Syscalls.chown(path, uid, gid));
    }

    static Call<Long> lchown(String path, int uid, int gid) {
        return number("lchown(" + q(path) + ", " + uid + ", " + gid + ")", Syscalls.lchown(path, uid, gid));
    }

    static Call<Long> fchown(int fd, int uid, int gid) {
        return number("fchown(" + fd + ", " + uid + ", " + gid + ")", Syscalls.fchown(fd, uid, gid));
    }

    static Call<Long> truncate(String path, long length) {
        return number("truncate(" + q(path) + ", " + length + ")", Syscalls.truncate(path, length));
    }

    static Call<Long> ftruncate(int fd, long length) {
        return number("ftruncate(" + fd + ", " + length + ")", Syscalls.ftruncate(fd, length));
    }

    static Call<Long> fsync(int fd) {
        return number("fsync(" + fd + ")", Syscalls.fsync(fd));
    }

    static Call<Long> fdatasync(int fd) {
        return number("fdatasync(" + fd + ")", Syscalls.fdatasync(fd));
    }

    static Call<FilesystemStatus> statfs(String path) {
        return valued("statfs(" + q(path) + ")", Syscalls.statfs(path));
    }

    static Call<FilesystemStatus> fstatfs(int fd) {
        return valued("fstatfs(" + fd + ")", Syscalls.fstatfs(fd));
    }

    static Call<Long> setxattr(String path, String name, byte[] value, int flags) {
        return number("setxattr(" + q(path) + ", " + q(name) + ", " + describe(value) + ", " + value.length + ", "
                + Flags.xattr(flags) + ")", Syscalls.setxattr(path, name, value, flags));
    }

    static Call<byte[]> getxattr(String path, String name, int size) {
        return valued("getxattr(" + q(path) + ", " + q(name) + ", " + ((size == 0) ? "NULL" : "buf") + ", " + size
                + ")", Syscalls.getxattr(path, name, size));
    }

    static Call<byte[]> listxattr(String path, int size) {
        return valued("listxattr(" + q(path) + ", buf, " + size + ")", Syscalls.listxattr(path, size));
    }

    static Call<Long> removexattr(String path, String name) {
        return number("removexattr(" + q(path) + ", " + q(name) + ")", Syscalls.removexattr(path, name));
    }

    static Call<Long> mkfifo(String path, int mode) {
        return number("mkfifo(" + q(path) + ", " + Flags.mode(mode) + ")", Syscalls.mkfifo(path, mode));
    }

    static Call<Long> mknod(String path, int mode, int major, int minor) {
        return number("mknod(" + q(path) + ", " + type(mode) + "|" + Flags.mode(mode & 07777) + ", makedev(" + major
                + ", " + minor + "))", Syscalls.mknod(path, mode, major, minor));
    }

    /** {@code utimensat(AT_FDCWD, path, times, flags)}; {@code times} null means "both now". */
    static Call<Long> utimensat(String path, long[] times, int flags) {
        String spec = (times == null) ? "NULL"
                : "{{" + times[0] + ", " + Flags.nanos(times[1]) + "}, {" + times[2] + ", " + Flags.nanos(times[3])
                        + "}}";
        return number("utimensat(AT_FDCWD, " + q(path) + ", " + spec + ", "
                + ((flags == Flags.AT_SYMLINK_NOFOLLOW) ? "AT_SYMLINK_NOFOLLOW" : "0") + ")",
                Syscalls.utimensat(path, times, flags));
    }

    static Call<Long> futimens(int fd, long[] times) {
        return number("futimens(" + fd + ", {{" + times[0] + ", " + Flags.nanos(times[1]) + "}, {" + times[2] + ", "
                + Flags.nanos(times[3]) + "}})", Syscalls.futimens(fd, times));
    }

    static Call<DirectoryStream> opendir(String path) {
        Valued<DirectoryStream> dir = Syscalls.opendir(path);
        return new Call<>("opendir(" + q(path) + ")", dir.value(), dir.failed() ? -1 : 0, dir.errno(),
                () -> dir.value().close());
    }

    static Call<SharedMapping> mapShared(int fd, long length) {
        Valued<SharedMapping> mapping = Syscalls.mapShared(fd, length);
        return new Call<>("mmap(NULL, " + length + ", PROT_READ|PROT_WRITE, MAP_SHARED, " + fd + ", 0)",
                mapping.value(), mapping.failed() ? -1 : 0, mapping.errno(), () -> mapping.value().close());
    }

    static Call<Long> msync(SharedMapping mapping, long length) {
        return number("msync(addr, " + length + ", MS_SYNC)", mapping.sync());
    }

    static Call<Long> unshare(int flags) {
        return number("unshare(" + ((flags == Flags.CLONE_FS) ? "CLONE_FS" : Integer.toString(flags)) + ")",
                Syscalls.unshare(flags));
    }

    /** {@code fchdir(fd)}: the thread's current directory (after {@code unshare(CLONE_FS)}). */
    static void fchdirAsSetUp(int fd) {
        number("fchdir(" + fd + ")", Syscalls.fchdir(fd)).ok();
    }

    /** Closes a descriptor in clean-up, when a failure is already on its way. */
    static void closeQuietly(int fd) {
        if (fd >= 0) {
            Syscalls.close(fd);
        }
    }

    static String q(String text) {
        return "\"" + text + "\"";
    }

    private static String type(int mode) {
        return switch (mode & FileStatus.S_IFMT) {
            case FileStatus.S_IFREG -> "S_IFREG";
            case FileStatus.S_IFIFO -> "S_IFIFO";
            case FileStatus.S_IFCHR -> "S_IFCHR";
            case FileStatus.S_IFSOCK -> "S_IFSOCK";
            case 0 -> "0";
            default -> Flags.mode(mode & FileStatus.S_IFMT);
        };
    }

    private static String describe(byte[] data) {
        boolean text = data.length <= 32;
        for (byte b : data) {
            text &= (b >= 0x20 && b < 0x7f);
        }
        return text ? q(new String(data, StandardCharsets.US_ASCII)) : "<" + data.length + " bytes>";
    }

    private static Call<Integer> descriptor(String call, Outcome outcome) {
        int fd = (int) outcome.value();
        return new Call<>(call, fd, outcome.value(), outcome.errno(), () -> Syscalls.close(fd));
    }

    private static Call<Long> number(String call, Outcome outcome) {
        return new Call<>(call, outcome.value(), outcome.value(), outcome.errno());
    }

    private static Call<byte[]> bytes(String call, byte[] buffer, Outcome outcome) {
        byte[] read = outcome.failed() ? null : java.util.Arrays.copyOf(buffer, (int) outcome.value());
        return new Call<>(call, read, outcome.value(), outcome.errno());
    }

    private static <T> Call<T> valued(String call, Valued<T> valued) {
        return new Call<>(call, valued.value(), valued.failed() ? -1 : 0, valued.errno());
    }

}
