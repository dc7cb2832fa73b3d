// Marks a utimens that understands UTIME_NOW and UTIME_OMIT, so libfuse2 passes one time alone.
package io.github.fusespringboot.mount;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Put on a filesystem's {@code utimens} method when it handles {@code tv_nsec == UTIME_NOW} ("set to
 * now") and {@code tv_nsec == UTIME_OMIT} ("leave as it is"), as {@code utimensat(2)} does. The engine
 * then sets libfuse's {@code flag_utime_omit_ok} for the filesystem's class. Without it libfuse2 calls
 * {@code utimens} only when the caller sets both times, with explicit values, and silently does
 * nothing when only one changes ({@code touch -a}, {@code utimensat} with one {@code UTIME_OMIT}):
 * safe for a filesystem that does not know the special values, wrong for one that does.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface AcceptsUtimeNowAndOmit {

}
