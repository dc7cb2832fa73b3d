// A read-write FUSE filesystem that keeps every file in a real backing directory.
package io.github.fusespringboot.samples.passthrough;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jnr.ffi.Pointer;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * Mirrors a backing directory: {@code <mount>/a/b} is {@code <backing>/a/b}. Every callback is the
 * matching {@code java.nio} call on the backing path, and every failure is returned as the errno the
 * backing filesystem gave ({@link ErrnoMapping}), so programs see the same behaviour through the mount
 * as on the backing directory itself.
 *
 * <p>
 * Open files live in a handle table: {@code open}/{@code create} open a {@link FileChannel}, put it
 * under a fresh number and hand that number to the kernel in {@link FuseFileInfo#fh}; {@code read},
 * {@code write}, {@code fsync}, ... find the channel by that number; {@code release} closes it. The
 * channel has no buffer of its own, so a write that returned has reached the backing file (the page
 * cache); {@code fsync} through the mount forces it to the disk.
 *
 * <p>
 * The callbacks are called concurrently on the engine's serving threads, so everything here is
 * thread-safe: positional channel reads and writes, and a concurrent handle table. Files are owned by
 * the user the application runs as; without {@code allow_other} only that user can use the mount.
 *
 * <p>
 * To make your own filesystem from this: keep the shape (path mapping, handle table, errno mapping) and
 * change what {@link #backing(String)} and the channel calls do, e.g. encrypt in {@code write} and
 * decrypt in {@code read}.
 */
public class PassthroughFilesystem extends FuseStubFS implements AutoCloseable {

    /** {@code utimensat(2)}: set this time to now / leave it alone (include/uapi/linux/stat.h). */
    private static final long UTIME_NOW = (1L << 30) - 1;

    private static final long UTIME_OMIT = (1L << 30) - 2;

    /** open(2) flag bits (asm-generic/fcntl.h). */
    private static final int O_ACCMODE = 3;

    private static final int O_WRONLY = 1;

    private static final int O_RDWR = 2;

    private static final int O_EXCL = 0200;

    private static final int O_TRUNC = 01000;

    /** chown(2) passes -1 (as an unsigned 32-bit id) for "leave unchanged". */
    private static final long UNCHANGED_ID = 0xFFFFFFFFL;

    private final Path backingDir;

    private final Map<Long, FileChannel> openFiles = new ConcurrentHashMap<>();

    private final AtomicLong nextHandle = new AtomicLong(1);

    /**
     * @param backingDir the existing directory whose contents the mount shows and changes
     */
    public PassthroughFilesystem(Path backingDir) {
        if (!Files.isDirectory(backingDir)) {
            throw new IllegalArgumentException("The backing directory " + backingDir + " does not exist");
        }
        this.backingDir = backingDir.toAbsolutePath().normalize();
    }

    /** The directory the files are stored in. */
    public Path backingDir() {
        return this.backingDir;
    }

    /** How many files are open through the mount right now. */
    public int openFiles() {
        return this.openFiles.size();
    }

    /**
     * The backing path of a FUSE path. FUSE paths are absolute ({@code /}, {@code /a/b}) and never
     * contain {@code .} or {@code ..} (the kernel resolves those), so this cannot leave the backing
     * directory.
     */
    protected Path backing(String path) {
        return path.equals("/") ? this.backingDir : this.backingDir.resolve(path.substring(1));
    }

    // ------------------------------------------------------------------ metadata

    @Override
    public int getattr(String path, FileStat stat) {
        try {
            // lstat: a symbolic link is shown as a link, not as what it points to
            Map<String, Object> attributes = Files.readAttributes(backing(path),
                    "unix:mode,nlink,uid,gid,size,lastAccessTime,lastModifiedTime,ctime", LinkOption.NOFOLLOW_LINKS);
            long size = (Long) attributes.get("size");
            stat.st_mode.set((Integer) attributes.get("mode"));
            stat.st_nlink.set((Integer) attributes.get("nlink"));
            stat.st_uid.set((Integer) attributes.get("uid"));
            stat.st_gid.set((Integer) attributes.get("gid"));
            stat.st_size.set(size);
            // java.nio does not expose st_blocks; tools such as du and cp's sparse detection need a value
            stat.st_blocks.set((size + 511) / 512);
            setTime(stat.st_atim, (FileTime) attributes.get("lastAccessTime"));
            setTime(stat.st_mtim, (FileTime) attributes.get("lastModifiedTime"));
            setTime(stat.st_ctim, (FileTime) attributes.get("ctime"));
            return 0;
        }
        catch (IOException ex) {
            return ErrnoMapping.negated(ex);
        }
    }

    private static void setTime(Timespec target, FileTime time) {
        Instant instant = time.toInstant();
        target.tv_sec.set(instant.getEpochSecond());
        target.tv_nsec.set(instant.getNano());
    }

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filter, long offset, FuseFileInfo fi) {
        // offset 0 and a null stat: libfuse collects the whole listing and pages it to the kernel itself
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(backing(path))) {
            filter.apply(buf, ".", null, 0);
            filter.apply(buf, "..", null, 0);
            for (Path entry : entries) {
                filter.apply(buf, entry.getFileName().toString(), null, 0);
            }
            return 0;
        }
        catch (IOException ex) {
            return ErrnoMapping.negated(ex);
        }
    }

    @Override
    public int chmod(String path, long mode) {
        try {
            setMode(backing(path), mode);
            return 0;
        }
        catch (IOException ex) {
            return ErrnoMapping.negated(ex);
        }
    }

    /** Sets all twelve permission bits (setuid, setgid and sticky too, which PosixFilePermission lacks). */
    private static void setMode(Path path, long mode) throws IOException {
        Files.setAttribute(path, "unix:mode", (int) (mode & 07777));
    }

    @Override
    public int chown(String path, long uid, long gid) {
        try {
            Path file = backing(path);
            if ((uid & UNCHANGED_ID) != UNCHANGED_ID) {
                Files.setAttribute(file, "unix:uid", (int) uid, LinkOption.NOFOLLOW_LINKS);
            }
            if ((gid & UNCHANGED_ID) != UNCHANGED_ID) {
                Files.setAttribute(file, "unix:gid", (int) gid, LinkOption.NOFOLLOW_LINKS);
            }
            return 0;
        }
        catch (IOException ex) {
            return ErrnoMapping.negated(ex);
        }
    }

    @Override
    public int utimens(String path, Timespec[] timespec) {
        try {
            BasicFileAttributeView view = Files.getFileAttributeView(backing(path), BasicFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS);
            // a null time is left as it is
            view.setTimes(fileTime(timespec[1]), fileTime(timespec[0]), null);
            return 0;
        }
        catch (IOException ex) {
            return ErrnoMapping.negated(ex);
        }
    }

    private static FileTime fileTime(Timespec time) {
        long nanos = time.tv_nsec.longValue();
        if (nanos == UTIME_OMIT) {
            return null;
        }
        if (nanos == UTIME_NOW) {
            return FileTime.from(Instant.now());
        }
        return FileTime.from(Instant.ofEpochSecond(time.tv_sec.get(), nanos));
    }

    @Override
    public int statfs(String path, Statvfs stbuf) {
        try {
            FileStore store = Files.getFileStore(this.backingDir);
            long blockSize = store.getBlockSize();
            stbuf.f_bsize.set(blockSize);
            stbuf.f_frsize.set(blockSize);
            stbuf.f_blocks.set(store.getTotalSpace() / blockSize);
            stbuf.f_bfree.set(store.getUnallocatedSpace() / blockSize);
            stbuf.f_bavail.set(store.getUsableSpace() / blockSize);
            stbuf.f_namemax.set(255);
            return 0;
        }
        catch (IOException | UnsupportedOperationException ex) {
            return -ErrorCodes.EIO();
        }
    }

    // ------------------------------------------------------------------ directories and names

    @Override
    public int mkdir(String path, long mode) {
        try {
            Path dir = Files.createDirectory(backing(path));
            // the kernel has applied the caller's umask already; undo the JVM's own umask
            setMode(dir, mode);
            return 0;
        }
        catch (IOException ex) {
            return ErrnoMapping.negated(ex);
        }
    }

    @Override
    public int rmdir(String path) {
        Path dir = backing(path);
        // Files.delete would unlink a file here; rmdir(2) must refuse it
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Files.exists(dir, LinkOption.NOFOLLOW_LINKS) ? -ErrorCodes.ENOTDIR() : -ErrorCodes.ENOENT();
        }
        return delete(dir);
    }

    @Override
    public int unlink(String path) {
        Path file = backing(path);
        // Files.delete would remove an empty directory here; unlink(2) must refuse it
        if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
            return -ErrorCodes.EISDIR();
        }
        return delete(file);
    }

    private static int delete(Path path) {
        try {
            Files.delete(path);
            return 0;
        }
        catch (IOException ex) {
            return ErrnoMapping.negated(ex);
        }
    }

    @Override
    public int rename(String oldpath, String newpath) {
        try {
            // ATOMIC_MOVE is rename(2): it replaces an existing target, as the caller expects
            Files.move(backing(oldpath), backing(newpath), StandardCopyOption.ATOMIC_MOVE);
            return 0;
        }
        catch (IOException ex) {
            return ErrnoMapping.negated(ex);
        }
    }

    @Override
    public int symlink(String oldpath, String newpath) {
        try {
            // oldpath is the link's text, stored as given (it is resolved by whoever follows the link)
            Files.createSymbolicLink(backing(newpath), Path.of(oldpath));
            return 0;
        }
        catch (IOException ex) {
            return ErrnoMapping.negated(ex);
        }
    }

    @Override
    public int readlink(String path, Pointer buf, long size) {
        try {
            byte[] target = Files.readSymbolicLink(backing(path)).toString().getBytes(StandardCharsets.UTF_8);
            // libfuse wants a NUL-terminated string, truncated to fit
            int length = (int) Math.min(target.length, size - 1);
            buf.put(0, target, 0, length);
            buf.putByte(length, (byte) 0);
            return 0;
        }
        catch (IOException ex) {
            return ErrnoMapping.negated(ex);
        }
    }

    // ------------------------------------------------------------------ files

    @Override
    public int create(String path, long mode, FuseFileInfo fi) {
        Path file = backing(path);
        Set<OpenOption> options = accessOptions(fi);
        options.add(StandardOpenOption.CREATE_NEW);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, options);
        }
        catch (FileAlreadyExistsException ex) {
            // the kernel sends create for a name it believed free; without O_EXCL, open what is there now
            if ((fi.flags.get() & O_EXCL) != 0) {
                return -ErrorCodes.EEXIST();
            }
            return open(path, fi);
        }
        catch (IOException ex) {
            return ErrnoMapping.negated(ex);
        }
        try {
            // the kernel has applied the caller's umask already; undo the JVM's own umask
            setMode(file, mode);
        }
        catch (IOException ex) {
            closeQuietly(channel);
            return ErrnoMapping.negated(ex);
        }
        fi.fh.set(register(channel));
        return 0;
    }

    @Override
    public int open(String path, FuseFileInfo fi) {
        Set<OpenOption> options = accessOptions(fi);
        if ((fi.flags.get() & O_TRUNC) != 0) {
            // only with atomic_o_trunc; otherwise the kernel truncates separately
            options.add(StandardOpenOption.TRUNCATE_EXISTING);
        }
        try {
            fi.fh.set(register(FileChannel.open(backing(path), options)));
            return 0;
        }
        catch (IOException ex) {
            return ErrnoMapping.negated(ex);
        }
    }

    /**
     * READ and/or WRITE from the open flags. O_APPEND is not passed on: the kernel already sends each
     * write of an O_APPEND file at the end of the file, and positional writes must land where it says.
     */
    private static Set<OpenOption> accessOptions(FuseFileInfo fi) {
        int access = fi.flags.get() & O_ACCMODE;
        Set<OpenOption> options = new HashSet<>();
        if (access != O_WRONLY) {
            options.add(StandardOpenOption.READ);
        }
        if (access == O_WRONLY || access == O_RDWR) {
            options.add(StandardOpenOption.WRITE);
        }
        return options;
    }

    private long register(FileChannel channel) {
        long handle = this.nextHandle.getAndIncrement();
        this.openFiles.put(handle, channel);
        return handle;
    }

    private FileChannel channel(FuseFileInfo fi) {
        return this.openFiles.get(fi.fh.get());
    }

    @Override
    public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        FileChannel channel = channel(fi);
        if (channel == null) {
            return -ErrorCodes.EBADF();
        }
        try {
            ByteBuffer data = ByteBuffer.allocate((int) size);
            // a positional read may return less than asked; FUSE wants all of it unless at end of file
            while (data.hasRemaining() && channel.read(data, offset + data.position()) >= 0) {
                // keep reading
            }
            buf.put(0, data.array(), 0, data.position());
            return data.position();
        }
        catch (NonReadableChannelException ex) {
            return -ErrorCodes.EBADF();
        }
        catch (IOException ex) {
            return ErrnoMapping.negated(ex);
        }
    }

    @Override
    public int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        FileChannel channel = channel(fi);
        if (channel == null) {
            return -ErrorCodes.EBADF();
        }
        try {
            byte[] bytes = new byte[(int) size];
            buf.get(0, bytes, 0, bytes.length);
            ByteBuffer data = ByteBuffer.wrap(bytes);
            while (data.hasRemaining()) {
                channel.write(data, offset + data.position());
            }
            return bytes.length;
        }
        catch (NonWritableChannelException ex) {
            return -ErrorCodes.EBADF();
        }
        catch (IOException ex) {
            return ErrnoMapping.negated(ex);
        }
    }

    @Override
    public int truncate(String path, long size) {
        try (FileChannel channel = FileChannel.open(backing(path), StandardOpenOption.WRITE)) {
            resize(channel, size);
            return 0;
        }
        catch (IOException ex) {
            return ErrnoMapping.negated(ex);
        }
    }

    @Override
    public int ftruncate(String path, long size, FuseFileInfo fi) {
        FileChannel channel = channel(fi);
        if (channel == null) {
            return truncate(path, size);
        }
        try {
            resize(channel, size);
            return 0;
        }
        catch (NonWritableChannelException ex) {
            // e.g. an O_RDONLY|O_TRUNC open: truncate by name, as libfuse would without ftruncate
            return truncate(path, size);
        }
        catch (IOException ex) {
            return ErrnoMapping.negated(ex);
        }
    }

    /** ftruncate(2) semantics: FileChannel.truncate only shrinks, so growing writes the last byte. */
    private static void resize(FileChannel channel, long size) throws IOException {
        long current = channel.size();
        if (size < current) {
            channel.truncate(size);
        }
        else if (size > current) {
            channel.write(ByteBuffer.wrap(new byte[1]), size - 1);
        }
    }

    /**
     * Called on every close(2) of a descriptor. The channel buffers nothing, so there is nothing to
     * push; durability is what {@link #fsync} is for.
     */
    @Override
    public int flush(String path, FuseFileInfo fi) {
        return (channel(fi) != null) ? 0 : -ErrorCodes.EBADF();
    }

    /** Really forces the backing file to the disk: this is what makes an fsync through the mount durable. */
    @Override
    public int fsync(String path, int isdatasync, FuseFileInfo fi) {
        FileChannel channel = channel(fi);
        if (channel == null) {
            return -ErrorCodes.EBADF();
        }
        try {
            // force(true) is fsync(2), force(false) is fdatasync(2)
            channel.force(isdatasync == 0);
            return 0;
        }
        catch (IOException ex) {
            return ErrnoMapping.negated(ex);
        }
    }

    /** The last descriptor of an open file was closed: close its channel and forget the handle. */
    @Override
    public int release(String path, FuseFileInfo fi) {
        FileChannel channel = this.openFiles.remove(fi.fh.get());
        if (channel == null) {
            return -ErrorCodes.EBADF();
        }
        try {
            channel.close();
            return 0;
        }
        catch (IOException ex) {
            return ErrnoMapping.negated(ex);
        }
    }

    /**
     * Closes the channels the kernel never released: after an unmount that had to abort the connection
     * (a process kept a file open past the unmount timeout) no release comes. Spring calls this when the
     * bean is destroyed, which is after the unmount.
     */
    @Override
    public void close() {
        List<FileChannel> left = new ArrayList<>(this.openFiles.values());
        this.openFiles.clear();
        left.forEach(PassthroughFilesystem::closeQuietly);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        }
        catch (IOException ex) {
            // nothing more to do for a file nobody can reach any more
        }
    }

}
