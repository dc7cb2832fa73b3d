// Where one mount goes: validating its spec and directory, creating the directory, removing what was created.
package io.github.fusespringboot.mount;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;

import io.github.fusespringboot.mount.natives.DirectoryEntries;
import io.github.fusespringboot.mount.natives.Errno;
import io.github.fusespringboot.mount.natives.Fusermount;
import io.github.fusespringboot.mount.natives.KernelMounts;
import io.github.fusespringboot.mount.natives.NativeCallException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The validated spec and mount point of one mount: the checks before mount(2), the directories the
 * engine creates for it and their removal, and the wording of the mount's failures.
 */
final class MountPoint {

    private static final Logger logger = LoggerFactory.getLogger(FuseMount.class);

    private final MountSpec spec;

    private volatile Path target;

    private volatile Path createdDirectory;

    MountPoint(MountSpec spec) {
        this.spec = spec;
        this.target = spec.mountPoint();
    }

    /** The directory the filesystem is mounted on (symbolic links resolved once validated). */
    Path target() {
        return this.target;
    }

    private String name() {
        return this.spec.name();
    }

    /** A failure of this mount, naming it and its directory. */
    FuseMountException fail(MountPhase phase, int errno, String problem, String action, Throwable cause) {
        return new FuseMountException(name(), this.target, phase, errno, problem, action, cause);
    }

    /** Checks the spec and parses its options, before anything is made. */
    MountOptions parseOptions() {
        if (!MountSpec.NAME.matcher(this.spec.name()).matches()) {
            throw fail(MountPhase.VALIDATE, 0, "the name '" + this.spec.name() + "' is not usable",
                    "Use letters, digits, '.', '_' and '-' (at most 100), starting with a letter or digit", null);
        }
        if (this.spec.mountTimeout().isNegative() || this.spec.mountTimeout().isZero()
                || this.spec.unmountTimeout().isNegative() || this.spec.unmountTimeout().isZero()) {
            throw fail(MountPhase.VALIDATE, 0, "timeouts must be positive (mount " + this.spec.mountTimeout()
                    + ", unmount " + this.spec.unmountTimeout() + ")", null, null);
        }
        if (this.spec.maxThreads() < 1) {
            throw fail(MountPhase.VALIDATE, 0, "maxThreads must be at least 1, not " + this.spec.maxThreads(), null,
                    null);
        }
        try {
            return MountOptions.parse(this.spec.options(), this.spec.readOnly());
        }
        catch (IllegalArgumentException ex) {
            throw fail(MountPhase.VALIDATE, 0, ex.getMessage(),
                    "See README 'Mount options' for the options the engine accepts", null);
        }
    }

    /**
     * Checks the mount point (creating it when allowed) and resolves it to {@link #target()}.
     * {@code resolved} is the directory as the manager resolved it just before (symbolic links
     * followed), or null: when it is the mount point itself and statx says that is a directory, the
     * path has no link to resolve and is not resolved again.
     */
    void prepare(MountOptions options, Path resolved) {
        Path requested = this.spec.mountPoint();
        if (!requested.isAbsolute()) {
            throw fail(MountPhase.VALIDATE, 0, "the mount point '" + requested + "' is not an absolute path",
                    "Give an absolute path, e.g. /srv/fuse/" + name(), null);
        }
        Path path = requested.normalize();
        this.target = path;
        checkNotSystemDirectory(path);
        KernelMounts.PathMount stat = MountLookup.stat(path);
        checkNotMountPoint(path, stat);
        Path real;
        int mode;
        if (stat != null && stat.ok() && !stat.mountRoot() && stat.isDirectory() && path.equals(resolved)) {
            // an existing directory, reached without a symbolic link, nothing mounted on it (a stale
            // mount cleaned up just now would have hidden it): statx said all that is asked below
            real = path;
            mode = stat.mode();
        }
        else {
            real = resolve(path);
            mode = -1;
        }
        if (!options.nonEmpty() && hasEntries(real)) {
            throw fail(MountPhase.VALIDATE, 0, "the mount point is not empty (the mount would hide its files)",
                    "Empty it, choose another directory, or pass the option 'nonempty'", null);
        }
        warnIfWorldWritable(real, mode);
    }

    private boolean hasEntries(Path dir) {
        if (DirectoryEntries.isAvailable()) {
            try {
                return DirectoryEntries.hasEntries(dir.toString());
            }
            catch (NativeCallException ex) {
                throw fail(MountPhase.VALIDATE, ex.errno(), "cannot list the mount point: " + ex.getMessage(), null, ex);
            }
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return entries.iterator().hasNext();
        }
        catch (IOException ex) {
            throw fail(MountPhase.VALIDATE, 0, "cannot list the mount point: " + ex, null, ex);
        }
    }

    /** Creates the mount point when missing and allowed, resolves symbolic links, checks what it leads to. */
    private Path resolve(Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            if (!this.spec.createMountPoint()) {
                throw fail(MountPhase.VALIDATE, Errno.ENOENT, "the mount point does not exist",
                        "Create the directory, or let the engine create it (createMountPoint)", null);
            }
            createMountPoint(path);
        }
        Path real;
        try {
            real = path.toRealPath();
        }
        catch (IOException ex) {
            throw fail(MountPhase.VALIDATE, 0, "cannot resolve the mount point: " + ex, null, ex);
        }
        if (!Files.isDirectory(real)) {
            throw fail(MountPhase.VALIDATE, Errno.ENOTDIR, "the mount point is not a directory",
                    "Point it at a directory", null);
        }
        if (!real.equals(path)) {
            checkNotSystemDirectory(real);
            checkNotMountPoint(real, MountLookup.stat(real));
            this.target = real;
        }
        return real;
    }

    private void checkNotSystemDirectory(Path path) {
        if (!this.spec.allowSystemDirectory() && SystemDirectories.isProtected(path)) {
            throw fail(MountPhase.VALIDATE, 0, path + " is a system directory",
                    "Mount below a directory of your own (e.g. /srv/fuse or /mnt), or allow system directories explicitly",
                    null);
        }
    }

    private void checkNotMountPoint(Path path, KernelMounts.PathMount stat) {
        MountTable.Entry entry = MountLookup.at(path, stat).orElse(null);
        if (entry == null) {
            return;
        }
        StaleMounts.Refusal refusal = StaleMounts.handle(entry, this.spec.staleMountPolicy(),
                (this.spec.mountStrategy() != MountStrategy.DIRECT) ? Fusermount.find().orElse(null) : null);
        if (refusal != null) {
            throw fail(MountPhase.VALIDATE, Errno.EBUSY, refusal.problem(), refusal.action(), null);
        }
    }

    private void createMountPoint(Path path) {
        Path topmostMissing = path;
        for (Path parent = path.getParent(); parent != null && !Files.exists(parent); parent = parent.getParent()) {
            topmostMissing = parent;
        }
        try {
            Files.createDirectories(path);
            this.createdDirectory = topmostMissing;
        }
        catch (FileAlreadyExistsException ex) {
            throw fail(MountPhase.VALIDATE, Errno.ENOTDIR, "the mount point exists and is not a directory", null, ex);
        }
        catch (IOException ex) {
            throw fail(MountPhase.VALIDATE, 0, "cannot create the mount point: " + ex, null, ex);
        }
    }

    /** {@code mode}: the directory's mode as statx gave it, or -1 to read it now. */
    private void warnIfWorldWritable(Path path, int mode) {
        boolean worldWritable;
        if (mode != -1) {
            worldWritable = (mode & 0002) != 0;
        }
        else {
            try {
                worldWritable = Files.getPosixFilePermissions(path).contains(PosixFilePermission.OTHERS_WRITE);
            }
            catch (IOException | UnsupportedOperationException ex) {
                return; // only a warning
            }
        }
        if (worldWritable) {
            logger.warn("FUSE mount '{}': mount point {} is world-writable; anyone can swap it for a link before "
                    + "the next mount", name(), path);
        }
    }

    /**
     * Removes what mounting created before mount(2): the directories the engine made.
     * {@code kernelMounted} tells whether mount(2) had succeeded.
     */
    void undo(boolean kernelMounted) {
        Path created = this.createdDirectory;
        if (created == null) {
            return;
        }
        this.createdDirectory = null;
        Path mountPoint = this.spec.mountPoint().normalize();
        for (Path dir = mountPoint; dir != null; dir = dir.getParent()) {
            try {
                Files.deleteIfExists(dir);
            }
            catch (DirectoryNotEmptyException ex) {
                if (dir.equals(mountPoint) && kernelMounted) {
                    // Something wrote by path into the plain directory once the mount was gone (the
                    // unmount cannot stop that). Those files are not in the filesystem: say so loudly.
                    logger.warn("FUSE mount '{}': files were written into {} after it was unmounted; they are "
                            + "in that plain directory, not in the filesystem. Have clients write below a "
                            + "directory that exists only inside the filesystem", name(), dir);
                }
                else {
                    logger.debug("Could not remove {}: {}", dir, ex.toString());
                }
                return;
            }
            catch (IOException ex) {
                logger.debug("Could not remove {}: {}", dir, ex.toString());
                return;
            }
            if (dir.equals(created)) {
                return;
            }
        }
    }

}
