// A native call that returned an error, with the call's name and errno.
package io.github.fusespringboot.mount.natives;

/**
 * Thrown when a native call fails. Carries the name of the call and the errno it set, so callers can
 * turn it into an error that says what to do.
 */
public class NativeCallException extends RuntimeException {

    private final String call;

    private final int errno;

    public NativeCallException(String call, int errno) {
        super(call + " failed: " + Errno.describe(errno));
        this.call = call;
        this.errno = errno;
    }

    public NativeCallException(String call, String message) {
        super(call + " failed: " + message);
        this.call = call;
        this.errno = 0;
    }

    /** The native call that failed, e.g. {@code mount(2)}. */
    public String call() {
        return this.call;
    }

    /** The errno the call set, or 0 when it did not report one. */
    public int errno() {
        return this.errno;
    }

}
