// The whole conformance kit against the sample, with its default options and with allow_other.
package io.github.fusespringboot.samples.passthrough;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.test.FuseMountTest;
import io.github.fusespringboot.test.FuseMounts;
import io.github.fusespringboot.test.conformance.Capability;
import io.github.fusespringboot.test.conformance.FuseConformance;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link PassthroughFilesystem} is the project's reference filesystem: every check of the kit passes on
 * it, mounted as {@code application.yml} mounts it (multithreaded, no kernel caching, {@code use_ino}),
 * and with {@code allow_other} (which brings {@code default_permissions}) for the other-user checks.
 * The renameat2 flags are checked where the kernel sends them to the filesystem: FUSE protocol 7.23
 * and later (the protocol engine; libfuse2 speaks 7.19, and the kernel answers EINVAL itself).
 */
@FuseMountTest
class PassthroughConformanceTests {

    /** The sample's options (application.yml's {@code fuse.default-options}). */
    private static final List<String> SAMPLE_OPTIONS = List.of("use_ino", "attr_timeout=0", "entry_timeout=0",
            "negative_timeout=0");

    @TestFactory
    Stream<DynamicNode> passesEveryCheckButTheOtherUsersOnesWithTheDefaultOptions(FuseMounts mounts)
            throws IOException {
        // without allow_other the kernel lets no other user in, so MULTI_USER cannot be checked
        FuseMount mount = mount(mounts);
        return FuseConformance.at(mount.mountPoint())
            .supportingAll()
            .without(withoutRenameFlags(mount, Capability.MULTI_USER))
            .tests();
    }

    @TestFactory
    Stream<DynamicNode> passesEveryCheckWithAllowOther(FuseMounts mounts) throws IOException {
        FuseMount mount = mount(mounts, "allow_other");
        return FuseConformance.at(mount.mountPoint()).supportingAll().without(withoutRenameFlags(mount)).tests();
    }

    /** {@code left out}, and RENAME_FLAGS when the kernel speaks a protocol before 7.23 (it then refuses the flags itself). */
    private static Capability[] withoutRenameFlags(FuseMount mount, Capability... leftOut) {
        List<Capability> without = new ArrayList<>(List.of(leftOut));
        if (mount.negotiated().map((protocol) -> protocol.minor() < 23).orElse(true)) {
            without.add(Capability.RENAME_FLAGS);
        }
        return without.toArray(Capability[]::new);
    }

    /** Mounts the sample as application.yml does, plus {@code options}, on a shallow backing directory. */
    private static FuseMount mount(FuseMounts mounts, String... options) throws IOException {
        Path backing = Files.createDirectories(mounts.directory().resolve("b"));
        List<String> all = new ArrayList<>(SAMPLE_OPTIONS);
        all.addAll(List.of(options));
        return mounts.mount(mounts.spec("m", new PassthroughFilesystem(backing))
            .options(all)
            .multithreaded(true)
            .maxThreads(10)
            .build());
    }

}
