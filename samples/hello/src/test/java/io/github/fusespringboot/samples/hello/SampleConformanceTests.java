// The conformance kit against the two sample filesystems, each declaring what its README says it supports.
package io.github.fusespringboot.samples.hello;

import java.nio.file.Path;
import java.util.stream.Stream;

import io.github.fusespringboot.mount.MountSpec;
import io.github.fusespringboot.test.FuseMountTest;
import io.github.fusespringboot.test.FuseMounts;
import io.github.fusespringboot.test.conformance.Capability;
import io.github.fusespringboot.test.conformance.FuseConformance;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link HelloFilesystem} and {@link MemoryFilesystem} mounted as {@link HelloApplication} mounts them:
 * every check of what each declares passes, the rest are reported skipped.
 */
@FuseMountTest
class SampleConformanceTests {

    @TestFactory
    Stream<DynamicNode> helloFilesystemPassesTheReadOnlyChecks(FuseMounts mounts) {
        Path mnt = mounts.directory().resolve("hello");
        mounts.mount(mounts.spec("hello", new HelloFilesystem("Hello from a conformance test\n"))
            .readOnly(true)
            .build());
        return FuseConformance.at(mnt).supporting(Capability.READ_ONLY, Capability.STATFS).tests();
    }

    @TestFactory
    Stream<DynamicNode> memoryFilesystemPassesWhatItDeclares(FuseMounts mounts) {
        // as HelloApplication mounts it, plus allow_other (bringing default_permissions) for MULTI_USER.
        // Not declared: files above 1 GiB (LARGE_FILES), xattrs, device nodes and sockets
        // (SPECIAL_FILES), renameat2 flags (an engine limit: jnr-fuse's rename takes no flags)
        MountSpec spec = mounts.spec("memory", new MemoryFilesystem())
            .option("attr_timeout=0")
            .option("use_ino")
            .option("allow_other")
            .build();
        mounts.mount(spec);
        return FuseConformance.at(spec.mountPoint())
            .supportingAll()
            .without(Capability.LARGE_FILES, Capability.XATTRS, Capability.SPECIAL_FILES, Capability.RENAME_FLAGS)
            .tests();
    }

}
