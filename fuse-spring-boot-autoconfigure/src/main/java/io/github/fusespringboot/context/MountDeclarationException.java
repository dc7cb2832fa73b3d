// A @FuseFilesystem declaration that cannot be mounted as written; thrown before anything is mounted.
package io.github.fusespringboot.context;

/**
 * A misused {@code @FuseFilesystem} or {@code fuse.mounts.*} entry: the bean is not a filesystem,
 * has no mount point, or clashes with another mount. The message names the bean.
 */
public class MountDeclarationException extends IllegalStateException {

    private final String beanName;

    private final String action;

    public MountDeclarationException(String beanName, String problem, String action) {
        super(problem);
        this.beanName = beanName;
        this.action = action;
    }

    /** The bean at fault, or {@code null} when the fault is in configuration alone. */
    public String beanName() {
        return this.beanName;
    }

    /** What to do about it. */
    public String action() {
        return this.action;
    }

}
