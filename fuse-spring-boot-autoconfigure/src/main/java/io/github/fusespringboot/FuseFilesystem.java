// Marks a jnr-fuse filesystem bean to be mounted for the life of the application context.
package io.github.fusespringboot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Mounts the annotated bean, a jnr-fuse {@code AbstractFuseFS} (for example a {@code FuseStubFS}
 * subclass), when the application context starts, and unmounts it when the context closes, before the
 * bean is destroyed. Put it on a component class or on a {@code @Bean} method.
 *
 * <p>
 * Every attribute can be overridden per mount with {@code fuse.mounts.<name>.*} properties, so the
 * mount point may come from configuration alone:
 *
 * <pre class="code">
 * &#64;Bean
 * &#64;FuseFilesystem(readOnly = true, order = 1)
 * HelloFilesystem hello() {
 *     return new HelloFilesystem();
 * }
 * </pre>
 *
 * <pre class="code">
 * fuse.mounts.hello.mount-point=/srv/fuse/hello
 * </pre>
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface FuseFilesystem {

    /**
     * The absolute directory to mount on. {@code ${...}} placeholders are resolved against the
     * environment. Empty when {@code fuse.mounts.<name>.mount-point} provides it.
     */
    String mountPoint() default "";

    /**
     * The mount's name: unique, made of letters, digits, {@code .}, {@code _} and {@code -}; the key of
     * its {@code fuse.mounts.<name>} properties. Defaults to the bean name.
     */
    String name() default "";

    /**
     * Mounts with a lower order are mounted earlier and unmounted later; mounts of the same order are
     * mounted and unmounted concurrently.
     */
    int order() default 0;

    /** Whether to mount read-only: the kernel refuses every write. */
    boolean readOnly() default false;

    /** FUSE options for this mount, such as {@code allow_other} or {@code max_read=131072}. */
    String[] options() default {};

    /** Whether to create the mount point (and its missing parents) when it does not exist. */
    boolean createMountPoint() default true;

}
