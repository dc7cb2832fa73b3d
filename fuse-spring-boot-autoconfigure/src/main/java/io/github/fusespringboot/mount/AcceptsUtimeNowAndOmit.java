// Marks a utimens that understands UTIME_NOW and UTIME_OMIT, so the engine passes one time alone.
package io.github.fusespringboot.mount;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Put on a filesystem's {@code utimens} method when it handles {@code tv_nsec == UTIME_NOW} ("set to
 * now") and {@code tv_nsec == UTIME_OMIT} ("leave as it is"), as {@code utimensat(2)} does: the
 * engine then passes every time change on as the kernel asked for it (libfuse's
 * {@code flag_utime_omit_ok}). Without it the engine does what libfuse does by default: it calls
 * {@code utimens} only when the caller sets both times, with explicit values, and silently does
 * nothing when only one changes ({@code touch -a}, {@code utimensat} with one {@code UTIME_OMIT}):
 * safe for a filesystem that does not know the special values, wrong for one that does.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface AcceptsUtimeNowAndOmit {

}
