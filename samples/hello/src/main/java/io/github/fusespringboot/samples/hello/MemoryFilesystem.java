// A read-write filesystem kept in memory, with the errors POSIX prescribes.
package io.github.fusespringboot.samples.hello;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

import io.github.fusespringboot.mount.AcceptsUtimeNowAndOmit;
import io.github.fusespringboot.mount.ManagedFuseStubFS;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseContext;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * Directories, regular files, symbolic links, hard links and FIFOs in memory, gone when the mount
 * is. What it supports answers like a local filesystem (EEXIST, ENOENT, ENOTDIR, EISDIR, ENOTEMPTY,
 * ...); extended attributes are not supported (the kernel then answers EOPNOTSUPP), device nodes and
 * sockets are refused (EPERM), and files stop at 1 GiB (EFBIG). New nodes belong to the caller. It
 * checks no permissions itself: mount it with {@code default_permissions} (which {@code allow_other}
 * brings) to have the kernel check them.
 *
 * <p>
 * The callbacks run concurrently on the engine's serving threads; one lock (the instance) keeps the tree
 * consistent, which is plenty for a sample.
 */
public class MemoryFilesystem extends ManagedFuseStubFS {

    private static final int S_IFMT = 0170000;

    private static final long MAX_FILE_SIZE = 1L << 30;

    private static final long UTIME_NOW = (1L << 30) - 1;

    private static final long UTIME_OMIT = (1L << 30) - 2;

    private static final int UNCHANGED_ID = -1;

    /** The longest name a local filesystem takes (statfs's f_namemax); the kernel leaves the check to us. */
    private static final int NAME_MAX = 255;

    /** A file, directory, link or FIFO; hard links are two names for one node. */
    private static class Node {

        int mode;

        int uid;

        int gid;

        int links;

        long accessed;

        long modified;

        long changed;

        byte[] data = new byte[0];

        long size;

        String target;

        final Map<String, Node> entries;

        /** Its inode number: both names of a hard link show it (mounted with {@code use_ino}). */
        final long ino;

        Node(long ino, int mode, int uid, int gid) {
            this.ino = ino;
            this.mode = mode;
            this.uid = uid;
            this.gid = gid;
            this.entries = isDirectory() ? new TreeMap<>() : null;
            this.links = isDirectory() ? 2 : 1; // a directory: its name and its "."
            this.accessed = this.modified = this.changed = now();
        }

        boolean isDirectory() {
            return (this.mode & S_IFMT) == FileStat.S_IFDIR;
        }

        void touch() {
            this.modified = this.changed = now();
        }

    }

    private long lastIno = 1;

    private final Node root = new Node(this.lastIno, FileStat.S_IFDIR | 0755, 0, 0);

    private static long now() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** The node at {@code path}, or null; {@code path} is absolute and normalised by the kernel. */
    private Node find(String path) {
        Node node = this.root;
        for (String name : path.substring(1).split("/")) {
            if (name.isEmpty()) {
                continue;
            }
            if (!node.isDirectory()) {
                return null;
            }
            node = node.entries.get(name);
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    private Node parentOf(String path) {
        return find(path.substring(0, path.lastIndexOf('/') + 1));
    }

    private static String nameOf(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** Whether the last name of {@code path} is longer than {@link #NAME_MAX} bytes (ENAMETOOLONG). */
    private static boolean nameTooLong(String path) {
        return nameOf(path).getBytes(StandardCharsets.UTF_8).length > NAME_MAX;
    }

    /** Adds a new node owned by the caller under {@code path}: EEXIST, ENOENT or ENOTDIR as the parent says. */
    private int add(String path, int mode, Node[] created) {
        if (nameTooLong(path)) {
            return -ErrorCodes.ENAMETOOLONG();
        }
        Node parent = parentOf(path);
        if (parent == null) {
            return -ErrorCodes.ENOENT();
        }
        if (!parent.isDirectory()) {
            return -ErrorCodes.ENOTDIR();
        }
        if (parent.entries.containsKey(nameOf(path))) {
            return -ErrorCodes.EEXIST();
        }
        FuseContext caller = getContext();
        Node node = new Node(++this.lastIno, mode, caller.uid.intValue(), caller.gid.intValue());
        parent.entries.put(nameOf(path), node);
        if (node.isDirectory()) {
            parent.links++; // its ".."
        }
        parent.touch();
        created[0] = node;
        return 0;
    }

    @Override
    public synchronized int getattr(String path, FileStat stat) {
        Node node = find(path);
        if (node == null) {
            return -ErrorCodes.ENOENT();
        }
        stat.st_ino.set(node.ino);
        stat.st_mode.set(node.mode);
        stat.st_nlink.set(node.links);
        stat.st_uid.set(node.uid);
        stat.st_gid.set(node.gid);
        stat.st_size.set(node.isDirectory() ? 4096 : node.size);
        stat.st_blksize.set(4096);
        stat.st_blocks.set((node.size + 511) / 512);
        time(stat.st_atim, node.accessed);
        time(stat.st_mtim, node.modified);
        time(stat.st_ctim, node.changed);
        return 0;
    }

    private static void time(Timespec target, long nanos) {
        target.tv_sec.set(Math.floorDiv(nanos, 1_000_000_000L));
        target.tv_nsec.set(Math.floorMod(nanos, 1_000_000_000L));
    }

    @Override
    public synchronized int readdir(String path, Pointer buf, FuseFillDir filler, long offset, FuseFileInfo fi) {
        Node dir = find(path);
        if (dir == null) {
            return -ErrorCodes.ENOENT();
        }
        if (!dir.isDirectory()) {
            return -ErrorCodes.ENOTDIR();
        }
        filler.apply(buf, ".", null, 0);
        filler.apply(buf, "..", null, 0);
        dir.entries.keySet().forEach((name) -> filler.apply(buf, name, null, 0));
        return 0;
    }

    @Override
    public synchronized int mkdir(String path, long mode) {
        return add(path, FileStat.S_IFDIR | ((int) mode & 07777), new Node[1]);
    }

    @Override
    public synchronized int create(String path, long mode, FuseFileInfo fi) {
        return add(path, FileStat.S_IFREG | ((int) mode & 07777), new Node[1]);
    }

    /** Regular files and FIFOs (the kernel runs a FIFO itself); device nodes and sockets are refused. */
    @Override
    public synchronized int mknod(String path, long mode, long rdev) {
        int type = (int) mode & S_IFMT;
        if (type != FileStat.S_IFREG && type != FileStat.S_IFIFO) {
            return -ErrorCodes.EPERM();
        }
        return add(path, (int) mode, new Node[1]);
    }

    @Override
    public synchronized int symlink(String target, String linkPath) {
        Node[] created = new Node[1];
        int result = add(linkPath, FileStat.S_IFLNK | 0777, created);
        if (result == 0) {
            created[0].target = target;
            created[0].size = target.getBytes(StandardCharsets.UTF_8).length;
        }
        return result;
    }

    @Override
    public synchronized int readlink(String path, Pointer buf, long size) {
        Node node = find(path);
        if (node == null) {
            return -ErrorCodes.ENOENT();
        }
        if (node.target == null) {
            return -ErrorCodes.EINVAL();
        }
        byte[] text = node.target.getBytes(StandardCharsets.UTF_8);
        int length = (int) Math.min(text.length, size - 1);
        buf.put(0, text, 0, length);
        buf.putByte(length, (byte) 0);
        return 0;
    }

    @Override
    public synchronized int link(String oldpath, String newpath) {
        if (nameTooLong(newpath)) {
            return -ErrorCodes.ENAMETOOLONG();
        }
        Node node = find(oldpath);
        if (node == null) {
            return -ErrorCodes.ENOENT();
        }
        if (node.isDirectory()) {
            return -ErrorCodes.EPERM();
        }
        Node parent = parentOf(newpath);
        if (parent == null || !parent.isDirectory()) {
            return (parent == null) ? -ErrorCodes.ENOENT() : -ErrorCodes.ENOTDIR();
        }
        if (parent.entries.putIfAbsent(nameOf(newpath), node) != null) {
            return -ErrorCodes.EEXIST();
        }
        node.links++;
        node.changed = now();
        parent.touch();
        return 0;
    }

    @Override
    public synchronized int unlink(String path) {
        Node node = find(path);
        if (node == null) {
            return -ErrorCodes.ENOENT();
        }
        if (node.isDirectory()) {
            return -ErrorCodes.EISDIR();
        }
        remove(path, node);
        return 0;
    }

    @Override
    public synchronized int rmdir(String path) {
        Node node = find(path);
        if (node == null) {
            return -ErrorCodes.ENOENT();
        }
        if (!node.isDirectory()) {
            return -ErrorCodes.ENOTDIR();
        }
        if (node == this.root) {
            return -ErrorCodes.EBUSY();
        }
        if (!node.entries.isEmpty()) {
            return -ErrorCodes.ENOTEMPTY();
        }
        remove(path, node);
        return 0;
    }

    private void remove(String path, Node node) {
        Node parent = parentOf(path);
        parent.entries.remove(nameOf(path));
        parent.touch();
        if (node.isDirectory()) {
            parent.links--;
            node.links = 0;
        }
        else {
            node.links--;
            node.changed = now();
        }
    }

    /** rename(2): replaces a target of the same kind (a directory only when empty), atomically. */
    @Override
    public synchronized int rename(String oldpath, String newpath) {
        if (nameTooLong(newpath)) {
            return -ErrorCodes.ENAMETOOLONG();
        }
        Node node = find(oldpath);
        Node newParent = parentOf(newpath);
        if (node == null || newParent == null) {
            return -ErrorCodes.ENOENT();
        }
        if (!newParent.isDirectory()) {
            return -ErrorCodes.ENOTDIR();
        }
        if (node.isDirectory() && (newpath + "/").startsWith(oldpath + "/")) {
            return -ErrorCodes.EINVAL(); // into itself
        }
        Node existing = newParent.entries.get(nameOf(newpath));
        if (existing == node) {
            return 0; // two names of one file: nothing happens
        }
        if (existing != null) {
            if (existing.isDirectory() && !node.isDirectory()) {
                return -ErrorCodes.EISDIR();
            }
            if (!existing.isDirectory() && node.isDirectory()) {
                return -ErrorCodes.ENOTDIR();
            }
            if (existing.isDirectory() && !existing.entries.isEmpty()) {
                return -ErrorCodes.ENOTEMPTY();
            }
            remove(newpath, existing);
        }
        Node oldParent = parentOf(oldpath);
        oldParent.entries.remove(nameOf(oldpath));
        newParent.entries.put(nameOf(newpath), node);
        if (node.isDirectory()) {
            oldParent.links--;
            newParent.links++;
        }
        oldParent.touch();
        newParent.touch();
        node.changed = now();
        return 0;
    }

    @Override
    public synchronized int chmod(String path, long mode) {
        Node node = find(path);
        if (node == null) {
            return -ErrorCodes.ENOENT();
        }
        node.mode = (node.mode & S_IFMT) | ((int) mode & 07777);
        node.changed = now();
        return 0;
    }

    @Override
    public synchronized int chown(String path, long uid, long gid) {
        Node node = find(path);
        if (node == null) {
            return -ErrorCodes.ENOENT();
        }
        if ((int) uid != UNCHANGED_ID) {
            node.uid = (int) uid;
        }
        if ((int) gid != UNCHANGED_ID) {
            node.gid = (int) gid;
        }
        node.changed = now();
        return 0;
    }

    @AcceptsUtimeNowAndOmit
    @Override
    public synchronized int utimens(String path, Timespec[] timespec) {
        Node node = find(path);
        if (node == null) {
            return -ErrorCodes.ENOENT();
        }
        node.accessed = newTime(timespec[0], node.accessed);
        node.modified = newTime(timespec[1], node.modified);
        node.changed = now();
        return 0;
    }

    private static long newTime(Timespec time, long current) {
        long nanos = time.tv_nsec.longValue();
        if (nanos == UTIME_OMIT) {
            return current;
        }
        return (nanos == UTIME_NOW) ? now() : time.tv_sec.get() * 1_000_000_000L + nanos;
    }

    @Override
    public synchronized int open(String path, FuseFileInfo fi) {
        return (find(path) != null) ? 0 : -ErrorCodes.ENOENT();
    }

    @Override
    public synchronized int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        Node node = find(path);
        if (node == null) {
            return -ErrorCodes.ENOENT();
        }
        if (node.isDirectory()) {
            return -ErrorCodes.EISDIR();
        }
        if (offset >= node.size) {
            return 0;
        }
        int length = (int) Math.min(size, node.size - offset);
        buf.put(0, node.data, (int) offset, length);
        return length;
    }

    @Override
    public synchronized int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        Node node = find(path);
        if (node == null) {
            return -ErrorCodes.ENOENT();
        }
        int result = resize(node, Math.max(node.size, offset + size));
        if (result < 0) {
            return result;
        }
        buf.get(0, node.data, (int) offset, (int) size);
        node.touch();
        return (int) size;
    }

    @Override
    public synchronized int truncate(String path, long size) {
        Node node = find(path);
        if (node == null) {
            return -ErrorCodes.ENOENT();
        }
        if (node.isDirectory()) {
            return -ErrorCodes.EISDIR();
        }
        int result = resize(node, size);
        if (result == 0) {
            node.touch();
        }
        return result;
    }

    /** Grows or shrinks the file; bytes past the old end read as zeros. */
    private static int resize(Node node, long size) {
        if (size > MAX_FILE_SIZE) {
            return -ErrorCodes.EFBIG();
        }
        if (size > node.data.length) {
            long capacity = Math.min(MAX_FILE_SIZE, Math.max(size, node.data.length * 2L));
            node.data = Arrays.copyOf(node.data, (int) capacity);
        }
        else if (size < node.size) {
            Arrays.fill(node.data, (int) size, (int) node.size, (byte) 0);
        }
        node.size = size;
        return 0;
    }

    @Override
    public int statfs(String path, Statvfs stbuf) {
        stbuf.f_bsize.set(4096);
        stbuf.f_frsize.set(4096);
        stbuf.f_blocks.set(MAX_FILE_SIZE / 4096);
        stbuf.f_bfree.set(MAX_FILE_SIZE / 4096);
        stbuf.f_bavail.set(MAX_FILE_SIZE / 4096);
        stbuf.f_namemax.set(255);
        return 0;
    }

}
