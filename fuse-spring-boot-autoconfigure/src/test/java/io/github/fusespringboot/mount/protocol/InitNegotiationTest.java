package io.github.fusespringboot.mount.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InitNegotiationTest {

    private static final long WANTED = InitFlags.ASYNC_READ | InitFlags.ATOMIC_O_TRUNC | InitFlags.BIG_WRITES
            | InitFlags.MAX_PAGES | InitFlags.PARALLEL_DIROPS | InitFlags.INIT_EXT;

    private static final InitNegotiation.Policy POLICY = new InitNegotiation.Policy(1 << 20, 256, WANTED,
            Integer.MAX_VALUE, 0, 0);

    /** What kernel 6.18 offers: 7.45, most flags, flags2 through INIT_EXT. */
    private static Requests.Init kernel(int minor, long flags) {
        return new Requests.Init(7, minor, 131072, flags);
    }

    @Test
    void agreesOnTheLowerMinorAndOnlyOnFlagsBothSidesWant() {
        long offered = 0x7FFF_FFFFL | InitFlags.SECURITY_CTX | InitFlags.HAS_EXPIRE_ONLY;
        InitNegotiation.Outcome outcome = InitNegotiation.negotiate(kernel(45, offered), POLICY);
        assertThat(outcome.major()).isEqualTo(7);
        assertThat(outcome.minor()).isEqualTo(38);
        assertThat(outcome.flags()).isEqualTo(WANTED);
        assertThat(outcome.maxWrite()).isEqualTo(1 << 20);
        assertThat(outcome.maxPages()).isEqualTo(256);
        assertThat(outcome.maxReadahead()).isEqualTo(131072);
        assertThat(outcome.replySize()).isEqualTo(64);
    }

    @Test
    void anOlderKernelGetsItsOwnMinorAndNothingItDidNotOffer() {
        InitNegotiation.Outcome outcome = InitNegotiation.negotiate(kernel(26, InitFlags.ASYNC_READ | InitFlags.BIG_WRITES),
                POLICY);
        assertThat(outcome.minor()).isEqualTo(26);
        assertThat(outcome.flags()).isEqualTo(InitFlags.ASYNC_READ | InitFlags.BIG_WRITES);
        assertThat(outcome.maxPages()).isZero();
        assertThat(outcome.maxWrite()).as("32 pages without FUSE_MAX_PAGES").isEqualTo(128 * 1024);
    }

    @Test
    void maxWriteStaysWithinTheKernelsMaxPagesLimit() {
        InitNegotiation.Policy limited = new InitNegotiation.Policy(1 << 20, 64, WANTED, Integer.MAX_VALUE, 0, 0);
        InitNegotiation.Outcome outcome = InitNegotiation.negotiate(kernel(45, WANTED), limited);
        assertThat(outcome.maxPages()).isEqualTo(64);
        assertThat(outcome.maxWrite()).isEqualTo(64 * 4096);
    }

    @Test
    void aNewerMajorGetsOnlyOurVersionAndWaitsForASecondInit() {
        InitNegotiation.Outcome outcome = InitNegotiation.negotiate(new Requests.Init(8, 0, 0, 0), POLICY);
        assertThat(outcome.again()).isTrue();
        ByteBuffer out = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(InitNegotiation.encode(out, 0, outcome)).isEqualTo(64);
        assertThat(out.getInt(0)).isEqualTo(7);
        assertThat(out.getInt(4)).isEqualTo(38);
        assertThat(out.getInt(12)).as("no flags").isZero();
        assertThat(out.getInt(20)).as("no max_write").isZero();
    }

    @Test
    void anOlderMajorIsRefusedWithEproto() {
        assertThat(InitNegotiation.negotiate(new Requests.Init(6, 0, 0, 0), POLICY).errno()).isEqualTo(71);
    }

    @Test
    void flags2TravelOnlyWithTheExtendedInit() {
        long wanted = WANTED | InitFlags.SECURITY_CTX;
        InitNegotiation.Policy policy = new InitNegotiation.Policy(1 << 20, 256, wanted, Integer.MAX_VALUE, 0, 0);
        long offered = WANTED | InitFlags.SECURITY_CTX;
        assertThat(InitNegotiation.negotiate(kernel(38, offered), policy).flags() >>> 32).isEqualTo(1);
        long withoutExt = offered & ~InitFlags.INIT_EXT;
        assertThat(InitNegotiation.negotiate(kernel(38, withoutExt), policy).flags() >>> 32).isZero();
    }

    @Test
    void encodesFuseInitOutAtTheHeadersOffsets() {
        InitNegotiation.Outcome outcome = InitNegotiation.negotiate(kernel(45, WANTED | InitFlags.SECURITY_CTX),
                new InitNegotiation.Policy(1 << 20, 256, WANTED | InitFlags.SECURITY_CTX, 65536, 12, 9));
        ByteBuffer out = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        InitNegotiation.encode(out, 0, outcome);
        assertThat(out.getInt(0)).isEqualTo(7);
        assertThat(out.getInt(4)).isEqualTo(38);
        assertThat(out.getInt(8)).as("max_readahead").isEqualTo(65536);
        assertThat(out.getInt(12)).as("flags").isEqualTo((int) WANTED);
        assertThat(out.getShort(16)).as("max_background").isEqualTo((short) 12);
        assertThat(out.getShort(18)).as("congestion_threshold").isEqualTo((short) 9);
        assertThat(out.getInt(20)).as("max_write").isEqualTo(1 << 20);
        assertThat(out.getInt(24)).as("time_gran").isEqualTo(1);
        assertThat(out.getShort(28)).as("max_pages").isEqualTo((short) 256);
        assertThat(out.getInt(32)).as("flags2").isEqualTo(1);
    }

}
