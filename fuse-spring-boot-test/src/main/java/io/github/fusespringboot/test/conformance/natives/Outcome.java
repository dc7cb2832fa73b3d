// What one system call returned: its value, and errno when it failed.
package io.github.fusespringboot.test.conformance.natives;

/**
 * The result of one system call: {@code value} as the call returned it (-1 on failure) and the errno
 * it left (0 when it succeeded).
 */
public record Outcome(long value, int errno) {

    public boolean failed() {
        return this.errno != 0;
    }

}
