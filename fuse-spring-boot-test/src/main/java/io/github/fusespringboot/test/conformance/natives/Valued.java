// A system call's result that carries data (a stat buffer, a directory entry), or the errno it failed with.
package io.github.fusespringboot.test.conformance.natives;

/** {@code value} when the call succeeded (errno 0), else {@code null} and the errno. */
public record Valued<T>(T value, int errno) {

    public boolean failed() {
        return this.errno != 0;
    }

}
