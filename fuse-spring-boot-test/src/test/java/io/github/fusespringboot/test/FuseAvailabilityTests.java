package io.github.fusespringboot.test;

import io.github.fusespringboot.mount.MountStrategy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decision from what a process has (the cases the child-JVM tests cannot all set up here: a normal
 * user with and without a usable helper); and /proc/self/status read as the kernel writes it.
 */
class FuseAvailabilityTests {

    private static final long ALL = 0x000001ffffffffffL;

    private static final long NONE = 0;

    private static final String HELPER = "/usr/bin/fusermount3";

    @Test
    void withCapSysAdminMountsDirectly() {
        FuseAvailability availability = FuseAvailability
            .decide(new FuseAvailability.Facts(null, ALL, ALL, false, 0, true, HELPER, null));

        assertThat(availability.strategy()).isEqualTo(MountStrategy.DIRECT);
    }

    @Test
    void aNormalUserWithASetUidHelperMountsThroughIt() {
        FuseAvailability availability = FuseAvailability
            .decide(new FuseAvailability.Facts(null, NONE, ALL, false, 1000, true, HELPER, null));

        assertThat(availability.strategy()).isEqualTo(MountStrategy.FUSERMOUNT);
        assertThat(availability.reason()).contains(HELPER);
    }

    @Test
    void aNormalUserIsToldEveryReasonTheHelperCannotMount() {
        FuseAvailability availability = FuseAvailability.decide(new FuseAvailability.Facts(null, NONE, ALL, true,
                1000, false, HELPER, HELPER + " is not set-uid root"));

        assertThat(availability.usable()).isFalse();
        assertThat(availability.reason()).startsWith("FUSE cannot be used here, so this test is skipped: ")
            .contains("root or CAP_SYS_ADMIN, which uid 1000 does not have", HELPER + " is not set-uid root",
                    "no_new_privs", "/dev/fuse is not readable and writable by uid 1000");
    }

    @Test
    void whatTheEngineLacksComesFirst() {
        FuseAvailability availability = FuseAvailability.decide(new FuseAvailability.Facts(
                "/dev/fuse does not exist (load the fuse module, or pass the device to the container)", ALL, ALL, false,
                0, true, HELPER, null));

        assertThat(availability.usable()).isFalse();
        assertThat(availability.reason()).startsWith("FUSE cannot be used here, so this test is skipped: ")
            .contains("/dev/fuse does not exist", "pass the device to the container");
    }

    @Test
    void readsTheEffectiveUidCapabilitiesAndNoNewPrivs() {
        ProcStatus status = ProcStatus.parse("""
                Name:\tjava
                Uid:\t1000\t1001\t1001\t1001
                CapEff:\t0000000000200000
                CapBnd:\t000001ffffffffff
                NoNewPrivs:\t1
                """);

        assertThat(status.uid()).isEqualTo(1001);
        assertThat(status.effectiveCapabilities()).isEqualTo(1L << FuseAvailability.CAP_SYS_ADMIN);
        assertThat(status.boundingCapabilities()).isEqualTo(ALL);
        assertThat(status.noNewPrivileges()).isTrue();
    }

}
