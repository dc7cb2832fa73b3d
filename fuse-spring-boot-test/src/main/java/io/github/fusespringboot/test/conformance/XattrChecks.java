// Checks of extended attributes: set/get/list/remove, XATTR_CREATE and XATTR_REPLACE, ENODATA and ERANGE.
package io.github.fusespringboot.test.conformance;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static io.github.fusespringboot.test.conformance.Capability.DIRECTORIES;
import static io.github.fusespringboot.test.conformance.Capability.XATTRS;
import static io.github.fusespringboot.test.conformance.Errnos.EEXIST;
import static io.github.fusespringboot.test.conformance.Errnos.ENODATA;
import static io.github.fusespringboot.test.conformance.Errnos.ENOENT;
import static io.github.fusespringboot.test.conformance.Errnos.ERANGE;
import static io.github.fusespringboot.test.conformance.Flags.XATTR_CREATE;
import static io.github.fusespringboot.test.conformance.Flags.XATTR_REPLACE;

/** {@link Capability#XATTRS}, in the {@code user.} namespace. */
final class XattrChecks {

    private static final String NAME = "user.conformance";

    private XattrChecks() {
    }

    static List<Check> checks() {
        return List.of(Check.of(XATTRS, "setxattr then getxattr returns the value", (s) -> {
            String file = s.file("f", "");
            Posix.setxattr(file, NAME, Scratch.bytes("value"), 0).ok();
            Expect.bytes("getxattr(\"" + file + "\", \"" + NAME + "\")", Scratch.bytes("value"),
                    Posix.getxattr(file, NAME, 256).ok());
        }), Check.of(XATTRS, "a binary value with NUL bytes round-trips", (s) -> {
            String file = s.file("f", "");
            byte[] value = { 0, 1, 2, 0, (byte) 0xff, 0 };
            Posix.setxattr(file, NAME, value, 0).ok();
            Expect.bytes("getxattr(\"" + file + "\", \"" + NAME + "\")", value, Posix.getxattr(file, NAME, 256).ok());
        }), Check.of(XATTRS, "an empty value round-trips", (s) -> {
            String file = s.file("f", "");
            Posix.setxattr(file, NAME, new byte[0], 0).ok();
            Expect.bytes("getxattr(\"" + file + "\", \"" + NAME + "\")", new byte[0], Posix.getxattr(file, NAME, 256).ok());
        }), Check.of(XATTRS, "getxattr of a missing attribute fails with ENODATA",
                (s) -> Posix.getxattr(s.file("f", ""), NAME, 256).fails(ENODATA)),
        Check.of(XATTRS, "setxattr(XATTR_CREATE) of an existing attribute fails with EEXIST, value kept", (s) -> {
            String file = s.file("f", "");
            Posix.setxattr(file, NAME, Scratch.bytes("first"), XATTR_CREATE).ok();
            Posix.setxattr(file, NAME, Scratch.bytes("second"), XATTR_CREATE).fails(EEXIST);
            Expect.bytes("getxattr(\"" + file + "\", \"" + NAME + "\")", Scratch.bytes("first"),
                    Posix.getxattr(file, NAME, 256).ok());
        }), Check.of(XATTRS, "setxattr(XATTR_REPLACE) of a missing attribute fails with ENODATA", (s) -> {
            String file = s.file("f", "");
            Posix.setxattr(file, NAME, Scratch.bytes("v"), XATTR_REPLACE).fails(ENODATA);
            Posix.getxattr(file, NAME, 256).fails(ENODATA);
        }), Check.of(XATTRS, "setxattr(XATTR_REPLACE) of an existing attribute replaces it", (s) -> {
            String file = s.file("f", "");
            Posix.setxattr(file, NAME, Scratch.bytes("old"), 0).ok();
            Posix.setxattr(file, NAME, Scratch.bytes("new value"), XATTR_REPLACE).ok();
            Expect.bytes("getxattr(\"" + file + "\", \"" + NAME + "\")", Scratch.bytes("new value"),
                    Posix.getxattr(file, NAME, 256).ok());
        }), Check.of(XATTRS, "listxattr lists the attributes set, and no longer a removed one", (s) -> {
            String file = s.file("f", "");
            Posix.setxattr(file, "user.one", Scratch.bytes("1"), 0).ok();
            Posix.setxattr(file, "user.two", Scratch.bytes("2"), 0).ok();
            Expect.isTrue("listxattr(\"" + file + "\")", names(Posix.listxattr(file, 4096).ok()).containsAll(
                    List.of("user.one", "user.two")), "user.one and user.two", names(Posix.listxattr(file, 4096).ok()));
            Posix.removexattr(file, "user.one").ok();
            List<String> after = names(Posix.listxattr(file, 4096).ok());
            Expect.isTrue("listxattr(\"" + file + "\") after removexattr of user.one",
                    after.contains("user.two") && !after.contains("user.one"), "user.two without user.one", after);
        }), Check.of(XATTRS, "removexattr then getxattr fails with ENODATA; removing again too", (s) -> {
            String file = s.file("f", "");
            Posix.setxattr(file, NAME, Scratch.bytes("v"), 0).ok();
            Posix.removexattr(file, NAME).ok();
            Posix.getxattr(file, NAME, 256).fails(ENODATA);
            Posix.removexattr(file, NAME).fails(ENODATA);
        }), Check.of(XATTRS, "getxattr with size 0 returns the value's size; a short buffer fails with ERANGE", (s) -> {
            String file = s.file("f", "");
            Posix.setxattr(file, NAME, Scratch.bytes("twelve bytes"), 0).ok();
            Expect.equal("getxattr(\"" + file + "\", \"" + NAME + "\", NULL, 0)", 12,
                    Posix.getxattr(file, NAME, 0).ok().length);
            Posix.getxattr(file, NAME, 4).fails(ERANGE);
        }), Check.of(XATTRS, "xattrs on a directory round-trip", (s) -> {
            String dir = s.dir("d");
            Posix.setxattr(dir, NAME, Scratch.bytes("dir value"), 0).ok();
            Expect.bytes("getxattr(\"" + dir + "\", \"" + NAME + "\")", Scratch.bytes("dir value"),
                    Posix.getxattr(dir, NAME, 256).ok());
        }).needs(DIRECTORIES), Check.of(XATTRS, "setxattr of a missing file fails with ENOENT",
                (s) -> Posix.setxattr(s.path("missing"), NAME, Scratch.bytes("v"), 0).fails(ENOENT)));
    }

    private static List<String> names(byte[] list) {
        return Arrays.stream(new String(list, StandardCharsets.UTF_8).split("\0")).filter((n) -> !n.isEmpty()).toList();
    }

}
