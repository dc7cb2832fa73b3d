// What a filesystem can declare it supports; each groups the checks of one area of POSIX behaviour.
package io.github.fusespringboot.test.conformance;

import java.util.Set;

/**
 * The capabilities a filesystem declares to {@link FuseConformance#supporting}. Checks of a
 * capability not declared are reported as skipped. A capability whose checks set up files needs the
 * ones listed in {@link #requires()} too (most need {@link #CREATE_WRITE}).
 */
public enum Capability {

    /** lookup, stat, readdir, open and read of what the filesystem already holds (or what the kit creates). */
    READ_ONLY("read-only"),

    /** open(2) with every access mode and O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY; create modes and umask; write, read back, unlink. */
    CREATE_WRITE("create and write"),

    /** mkdir(2), rmdir(2) and readdir of what was made. */
    DIRECTORIES("directories", CREATE_WRITE),

    /** rename(2) of files and directories, over each other, across directories, of an open file. */
    RENAME("rename", CREATE_WRITE, DIRECTORIES),

    /** renameat2(2) with RENAME_NOREPLACE and RENAME_EXCHANGE. */
    RENAME_FLAGS("rename flags", CREATE_WRITE, RENAME),

    /** link(2) and link counts. */
    HARD_LINKS("hard links", CREATE_WRITE),

    /** symlink(2), readlink(2), O_NOFOLLOW and ELOOP. */
    SYMLINKS("symlinks", CREATE_WRITE),

    /** chmod(2) and fchmod(2), set-id and sticky bits included. */
    PERMISSIONS("permissions (chmod)", CREATE_WRITE),

    /** chown(2), fchown(2), lchown(2) as root. */
    OWNERSHIP("ownership (chown)", CREATE_WRITE),

    /** utimensat(2) and futimens(2) with nanoseconds, UTIME_NOW and UTIME_OMIT; mtime moving on write. */
    TIMES("times", CREATE_WRITE),

    /** truncate(2) and ftruncate(2) up and down, O_TRUNC, sparse holes reading as zeros. */
    TRUNCATE("truncate", CREATE_WRITE),

    /**
     * lseek(2) with SEEK_DATA and SEEK_HOLE on a sparse file: what it reports as data holds what was
     * written and what it reports as holes reads as zeros. The kernel's own answer for a FUSE
     * filesystem without lseek (the whole file is data, the only hole at its end) passes too.
     */
    SEEK_HOLES("SEEK_DATA and SEEK_HOLE", CREATE_WRITE),

    /**
     * copy_file_range(2) between files and within one: the bytes arrive (a FUSE filesystem without
     * the operation gets the kernel's copy through read and write, which passes too).
     */
    COPY_FILE_RANGE("copy_file_range", CREATE_WRITE),

    /** Files larger than 4 GiB, written sparsely at a 5 GiB offset. */
    LARGE_FILES("large files (> 4 GiB, sparse)", CREATE_WRITE),

    /** O_APPEND writes from several descriptors at once: none lost, none torn. */
    APPEND_CONCURRENCY("append concurrency", CREATE_WRITE),

    /** A MAP_SHARED mapping written then read through the descriptor, and the other way round. */
    MMAP("mmap (shared)", CREATE_WRITE),

    /** fsync(2) and fdatasync(2) of files and directories. */
    SYNC("sync", CREATE_WRITE),

    /** statfs(2) and fstatfs(2). */
    STATFS("statfs"),

    /** setxattr, getxattr, listxattr, removexattr with XATTR_CREATE and XATTR_REPLACE; ENODATA, ERANGE. */
    XATTRS("extended attributes", CREATE_WRITE),

    /** mkfifo(3) and mknod(2) of FIFOs, sockets, regular files and (as root) character devices. */
    SPECIAL_FILES("special files (mknod, mkfifo)", CREATE_WRITE),

    /** readdir of 10,000 entries, seekdir/telldir, entries added and removed while reading. */
    BIG_DIRECTORIES("big directories (readdir, seekdir, telldir)", CREATE_WRITE, DIRECTORIES),

    /**
     * Other users through {@code allow_other} + {@code default_permissions}: ownership of what they
     * create, and the permission errors the kernel gives them. Needs root (the kit switches its
     * filesystem uid per thread).
     */
    MULTI_USER("multi-user (allow_other + default_permissions)", CREATE_WRITE, DIRECTORIES, PERMISSIONS, TIMES);

    private final String title;

    private final Set<Capability> requires;

    Capability(String title, Capability... requires) {
        this.title = title;
        this.requires = (requires.length == 0) ? Set.of() : Set.of(requires);
    }

    /** How the capability's group of checks is titled. */
    public String title() {
        return this.title;
    }

    /** What the checks of this capability also rely on to set themselves up. */
    public Set<Capability> requires() {
        return this.requires;
    }

}
