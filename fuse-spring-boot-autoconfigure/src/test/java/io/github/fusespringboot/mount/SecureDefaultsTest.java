package io.github.fusespringboot.mount;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.examples.HelloFuse;

import static org.assertj.core.api.Assertions.assertThat;

/** nosuid,nodev unless overridden; allow_other brings default_permissions unless turned off. */
@ExtendWith(FuseTestExtension.class)
class SecureDefaultsTest {

    /** The mount options and the superblock options of the mount on {@code dir}. */
    private static String options(Path dir) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] fields = line.split(" ");
            if (fields[4].equals(dir.toString())) {
                return fields[5] + " | " + fields[fields.length - 1];
            }
        }
        throw new AssertionError(dir + " is not mounted");
    }

    @Test
    void mountsAreNosuidNodevAndNotOpenToOthersByDefault(FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("default");
        try (FuseMount mount = fx.manager().mount(MountSpec.builder("default", dir, new HelloFuse()).build())) {
            assertThat(options(dir)).contains("nosuid", "nodev").doesNotContain("allow_other");
        }
    }

    @Test
    void allowOtherBringsDefaultPermissionsUnlessTurnedOff(FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("others");
        try (FuseMount mount = fx.manager()
            .mount(MountSpec.builder("others", dir, new HelloFuse()).option("allow_other").build())) {
            assertThat(options(dir)).contains("allow_other", "default_permissions");
        }
        try (FuseMount mount = fx.manager()
            .mount(MountSpec.builder("others", dir, new HelloFuse()).option("allow_other,no_default_permissions")
                .build())) {
            assertThat(options(dir)).contains("allow_other").doesNotContain("default_permissions");
        }
    }

    @Test
    void suidAndDevMustBeAskedForExplicitly(FuseTestExtension.Fixture fx) throws Exception {
        Path dir = fx.dir("explicit");
        try (FuseMount mount = fx.manager()
            .mount(MountSpec.builder("explicit", dir, new HelloFuse()).option("suid").option("dev").build())) {
            assertThat(options(dir).split(" \\| ")[0]).doesNotContain("nosuid").doesNotContain("nodev");
        }
    }

}
