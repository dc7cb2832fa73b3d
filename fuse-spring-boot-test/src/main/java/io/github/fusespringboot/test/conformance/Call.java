// One system call made by a check, with what it returned, asserted with a message naming call, expected and actual.
package io.github.fusespringboot.test.conformance;

import java.util.Arrays;
import java.util.stream.Collectors;

import org.opentest4j.AssertionFailedError;

/**
 * A system call as written in C ({@code open("/m/f", O_RDONLY|O_CREAT, 0644)}) and its outcome. The
 * assertions fail with {@code <call>: expected <result>, actual <result>}, errnos by name.
 */
final class Call<T> {

    private final String call;

    private final T value;

    private final long result;

    private final int errno;

    private final Runnable release;

    Call(String call, T value, long result, int errno) {
        this(call, value, result, errno, null);
    }

    /** {@code release} undoes a success that was expected to fail (closes the descriptor it opened). */
    Call(String call, T value, long result, int errno, Runnable release) {
        this.call = call;
        this.value = value;
        this.result = result;
        this.errno = errno;
        this.release = release;
    }

    /** Asserts the call succeeded; returns its value (a descriptor, a byte count, a status). */
    T ok() {
        if (this.errno != 0) {
            throw failure("success", "-1 " + Errnos.describe(this.errno));
        }
        return this.value;
    }

    /** Asserts the call failed with one of {@code errnos}. */
    void fails(int... errnos) {
        String expected = "-1 " + Arrays.stream(errnos).mapToObj(Errnos::name).collect(Collectors.joining(" or "));
        if (this.errno == 0) {
            if (this.release != null) {
                this.release.run();
            }
            throw failure(expected, "success (" + this.result + ")");
        }
        if (Arrays.stream(errnos).noneMatch((e) -> e == this.errno)) {
            throw failure(expected, "-1 " + Errnos.describe(this.errno));
        }
    }

    /** Asserts the call returned exactly {@code expected}. */
    void returns(long expected) {
        if (this.errno != 0) {
            throw failure(Long.toString(expected), "-1 " + Errnos.describe(this.errno));
        }
        if (this.result != expected) {
            throw failure(Long.toString(expected), Long.toString(this.result));
        }
    }

    /** Whether the call succeeded, for checks that branch (and for clean-up). */
    boolean succeeded() {
        return this.errno == 0;
    }

    @Override
    public String toString() {
        return this.call;
    }

    private AssertionFailedError failure(String expected, String actual) {
        return new AssertionFailedError(this.call + ": expected " + expected + ", actual " + actual, expected, actual);
    }

}
