// Assertions on what a call left behind (a mode, a size, bytes read), naming the call that shows it.
package io.github.fusespringboot.test.conformance;

import java.util.Arrays;
import java.util.Objects;

import org.opentest4j.AssertionFailedError;

/** Value assertions whose message reads {@code <what>: expected <x>, actual <y>}. */
final class Expect {

    private Expect() {
    }

    static void equal(String what, Object expected, Object actual) {
        if (!Objects.equals(expected, actual)) {
            throw new AssertionFailedError(what + ": expected " + expected + ", actual " + actual, expected, actual);
        }
    }

    static void mode(String what, int expected, int actual) {
        if (expected != actual) {
            throw new AssertionFailedError(what + ": expected " + Flags.mode(expected) + ", actual " + Flags.mode(actual),
                    Flags.mode(expected), Flags.mode(actual));
        }
    }

    static void bytes(String what, byte[] expected, byte[] actual) {
        if (!Arrays.equals(expected, actual)) {
            throw new AssertionFailedError(what + ": expected " + show(expected) + ", actual " + show(actual),
                    show(expected), show(actual));
        }
    }

    static void isTrue(String what, boolean condition, String expected, Object actual) {
        if (!condition) {
            throw new AssertionFailedError(what + ": expected " + expected + ", actual " + actual, expected, actual);
        }
    }

    /** Short printable bytes: text when it is text, else its length and first bytes. */
    private static String show(byte[] data) {
        if (data == null) {
            return "null";
        }
        boolean text = data.length <= 80;
        for (byte b : data) {
            text &= (b >= 0x20 && b < 0x7f);
        }
        if (text) {
            return "\"" + new String(data, java.nio.charset.StandardCharsets.US_ASCII) + "\"";
        }
        StringBuilder out = new StringBuilder(data.length + " bytes [");
        for (int i = 0; i < Math.min(16, data.length); i++) {
            out.append(String.format("%s%02x", (i == 0) ? "" : " ", data[i]));
        }
        return out.append((data.length > 16) ? " ...]" : "]").toString();
    }

}
