package io.github.fusespringboot.mount.serve;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The busy count that gives a mount readers: its first run counts, and large transfers weigh more. */
class BusyMeterTest {

    @Test
    void theFirstRunOfBusyRequestsCompletesAtItsLast() {
        BusyMeter meter = new BusyMeter();
        for (int i = 1; i < BusyMeter.RUN; i++) {
            assertThat(meter.count(1)).as("request %d", i).isFalse();
        }
        assertThat(meter.count(1)).isTrue();
        assertThat(meter.count(1)).as("a new run starts after it").isFalse();
    }

    @Test
    void eightLargeTransfersMakeARun() {
        BusyMeter meter = new BusyMeter();
        for (int i = 1; i < 8; i++) {
            assertThat(meter.count(BusyMeter.LARGE_WEIGHT)).as("transfer %d", i).isFalse();
        }
        assertThat(meter.count(BusyMeter.LARGE_WEIGHT)).isTrue();
    }

    @Test
    void aResetStartsTheRunAgain() {
        BusyMeter meter = new BusyMeter();
        for (int i = 1; i < BusyMeter.RUN; i++) {
            meter.count(1);
        }
        meter.reset();
        assertThat(meter.count(1)).isFalse();
    }

}
