// Marks a test class that mounts FUSE filesystems for real: temporary mount points, leak checks, skips.
package io.github.fusespringboot.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A JUnit 5 test class whose tests mount filesystems through the kernel ({@link FuseMountExtension}).
 *
 * <ul>
 * <li>Where FUSE cannot be used (no {@code /dev/fuse}, no privilege: neither {@code CAP_SYS_ADMIN}
 * nor a usable set-uid {@code fusermount3}) the whole class is <b>skipped</b>, reported with the
 * reason, before it is instantiated. A missing libfuse2 is no reason: the engine needs none, and a
 * {@code ManagedFuseStubFS} neither. Only jnr-fuse's own {@code FuseStubFS} loads it, in its
 * constructor; where it is missing, a test whose method (or {@code @BeforeAll}/{@code @BeforeEach}
 * method) constructs one is skipped with that reason, while one built as a field of the test class
 * or as a bean of its Spring context fails with jnr-fuse's {@code UnsatisfiedLinkError}.</li>
 * <li>A test parameter of type {@link FuseMounts} mounts filesystem instances on fresh directories
 * below a temporary directory; they are unmounted after the test.</li>
 * <li>With {@code @SpringBootTest}, every {@code @FuseFilesystem} bean of the context is mounted below
 * a temporary directory instead of its configured mount point ({@code fuse.mounts.<name>.mount-point}
 * is set for it), and the context is closed after the class, so its mounts are unmounted then.</li>
 * <li>After each test (and after the class of a Spring test) the test fails if a FUSE mount is left
 * below its directory, a {@code /dev/fuse} descriptor was left open, or a thread still serves a
 * mount; what is left is aborted and detached.</li>
 * </ul>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(FuseMountExtension.class)
public @interface FuseMountTest {

}
