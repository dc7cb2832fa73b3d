// Which jnr-fuse operations a filesystem class implements (no @NotImplemented), computed once per class.
package io.github.fusespringboot.mount.bridge;

import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.Set;

import io.github.fusespringboot.mount.AcceptsUtimeNowAndOmit;
import io.github.fusespringboot.mount.ManagedFuseStubFS;
import ru.serce.jnrfuse.NotImplemented;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * What lib/fuse.c learns from which {@code fuse_operations} pointers are set: an operation marked
 * {@link NotImplemented} (as every method of {@code FuseStubFS} is until overridden) is answered the
 * way libfuse answers a missing one, without calling the stub.
 */
final class Implemented {

    private static final ClassValue<Implemented> BY_CLASS = new ClassValue<>() {
        @Override
        protected Implemented computeValue(Class<?> type) {
            return new Implemented(type);
        }
    };

    final boolean getattr, fgetattr, readlink, mknod, mkdir, unlink, rmdir, symlink, rename, link, chmod, chown,
            truncate, ftruncate, utimens, open, read, write, statfs, flush, release, fsync, setxattr, getxattr,
            listxattr, removexattr, opendir, readdir, releasedir, fsyncdir, init, destroy, access, create,
            fallocate, lock, flock;

    /**
     * The operations only {@link ManagedFuseStubFS} has (jnr-fuse's {@code FuseFS} lacks them):
     * {@code rename(String, String, int)}, {@code lseek}, {@code copyFileRange}; false for any other class.
     */
    final boolean renameFlags, lseek, copyFileRange;

    /** Whether its utimens is marked {@link AcceptsUtimeNowAndOmit} (libfuse's flag_utime_omit_ok). */
    final boolean utimeOmitOk;

    private Implemented(Class<?> type) {
        Set<String> missing = new HashSet<>();
        for (Method method : type.getMethods()) {
            if (method.isAnnotationPresent(NotImplemented.class)) {
                missing.add(method.getName());
            }
        }
        this.getattr = !missing.contains("getattr");
        this.fgetattr = !missing.contains("fgetattr");
        this.readlink = !missing.contains("readlink");
        this.mknod = !missing.contains("mknod");
        this.mkdir = !missing.contains("mkdir");
        this.unlink = !missing.contains("unlink");
        this.rmdir = !missing.contains("rmdir");
        this.symlink = !missing.contains("symlink");
        this.rename = !missing.contains("rename");
        this.link = !missing.contains("link");
        this.chmod = !missing.contains("chmod");
        this.chown = !missing.contains("chown");
        this.truncate = !missing.contains("truncate");
        this.ftruncate = !missing.contains("ftruncate");
        this.utimens = !missing.contains("utimens");
        this.open = !missing.contains("open");
        this.read = !missing.contains("read");
        this.write = !missing.contains("write");
        this.statfs = !missing.contains("statfs");
        this.flush = !missing.contains("flush");
        this.release = !missing.contains("release");
        this.fsync = !missing.contains("fsync");
        this.setxattr = !missing.contains("setxattr");
        this.getxattr = !missing.contains("getxattr");
        this.listxattr = !missing.contains("listxattr");
        this.removexattr = !missing.contains("removexattr");
        this.opendir = !missing.contains("opendir");
        this.readdir = !missing.contains("readdir");
        this.releasedir = !missing.contains("releasedir");
        this.fsyncdir = !missing.contains("fsyncdir");
        this.init = !missing.contains("init");
        this.destroy = !missing.contains("destroy");
        this.access = !missing.contains("access");
        this.create = !missing.contains("create");
        this.fallocate = !missing.contains("fallocate");
        this.lock = !missing.contains("lock");
        this.flock = !missing.contains("flock");
        this.utimeOmitOk = acceptsUtimeNowAndOmit(type);
        boolean managed = ManagedFuseStubFS.class.isAssignableFrom(type);
        this.renameFlags = managed && declaredBelowManagedFuseStubFS(type, "rename", String.class, String.class,
                int.class);
        this.lseek = managed && overridden(type, "lseek", String.class, long.class, int.class, FuseFileInfo.class);
        this.copyFileRange = managed && overridden(type, "copyFileRange", String.class, FuseFileInfo.class,
                long.class, String.class, FuseFileInfo.class, long.class, long.class, int.class);
    }

    /** For a method ManagedFuseStubFS does not mark {@link NotImplemented} (its name is taken by another). */
    private static boolean declaredBelowManagedFuseStubFS(Class<?> type, String name, Class<?>... parameters) {
        try {
            return type.getMethod(name, parameters).getDeclaringClass() != ManagedFuseStubFS.class;
        }
        catch (NoSuchMethodException ex) {
            return false;
        }
    }

    private static boolean overridden(Class<?> type, String name, Class<?>... parameters) {
        try {
            return !type.getMethod(name, parameters).isAnnotationPresent(NotImplemented.class);
        }
        catch (NoSuchMethodException ex) {
            return false;
        }
    }

    private static boolean acceptsUtimeNowAndOmit(Class<?> type) {
        try {
            return type.getMethod("utimens", String.class, Timespec[].class)
                .isAnnotationPresent(AcceptsUtimeNowAndOmit.class);
        }
        catch (NoSuchMethodException ex) {
            return false;
        }
    }

    static Implemented by(Class<?> type) {
        return BY_CLASS.get(type);
    }

}
