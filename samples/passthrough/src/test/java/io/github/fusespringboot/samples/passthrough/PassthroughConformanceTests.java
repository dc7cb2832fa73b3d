// The whole conformance kit against the sample, with its default options and with allow_other.
package io.github.fusespringboot.samples.passthrough;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.github.fusespringboot.test.FuseMountTest;
import io.github.fusespringboot.test.FuseMounts;
import io.github.fusespringboot.test.conformance.Capability;
import io.github.fusespringboot.test.conformance.FuseConformance;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link PassthroughFilesystem} is the project's reference filesystem: every check of the kit passes on
 * it (but the renameat2 flags, which the engine cannot pass on), mounted as {@code application.yml}
 * mounts it (multithreaded, no kernel caching, {@code use_ino}), and with {@code allow_other} (which
 * brings {@code default_permissions}) for the other-user checks.
 */
@FuseMountTest
class PassthroughConformanceTests {

    /** The sample's options (application.yml's {@code fuse.default-options}). */
    private static final List<String> SAMPLE_OPTIONS = List.of("use_ino", "attr_timeout=0", "entry_timeout=0",
            "negative_timeout=0");

    @TestFactory
    Stream<DynamicNode> passesEveryCheckButTheOtherUsersOnesWithTheDefaultOptions(FuseMounts mounts)
            throws IOException {
        // without allow_other the kernel lets no other user in, so MULTI_USER cannot be checked.
        // RENAME_FLAGS is an engine limit, not the sample's: libfuse2 speaks FUSE protocol 7.19 and the
        // kernel sends renameat2's flags only from 7.23 (answering EINVAL itself); the protocol engine
        // (7.38) receives them, but jnr-fuse's rename(from, to) has no flags parameter to pass them
        // on, so it answers EINVAL too
        return FuseConformance.at(mount(mounts))
            .supportingAll()
            .without(Capability.MULTI_USER, Capability.RENAME_FLAGS)
            .tests();
    }

    @TestFactory
    Stream<DynamicNode> passesEveryCheckWithAllowOther(FuseMounts mounts) throws IOException {
        // RENAME_FLAGS: the engine limit above
        return FuseConformance.at(mount(mounts, "allow_other"))
            .supportingAll()
            .without(Capability.RENAME_FLAGS)
            .tests();
    }

    /** Mounts the sample as application.yml does, plus {@code options}, on a shallow backing directory. */
    private static Path mount(FuseMounts mounts, String... options) throws IOException {
        Path backing = Files.createDirectories(mounts.directory().resolve("b"));
        List<String> all = new ArrayList<>(SAMPLE_OPTIONS);
        all.addAll(List.of(options));
        return mounts.mount(mounts.spec("m", new PassthroughFilesystem(backing))
            .options(all)
            .multithreaded(true)
            .maxThreads(10)
            .build()).mountPoint();
    }

}
