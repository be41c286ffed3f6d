package dev.memvisor.sim.memory;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The swap device's cost model: service time, queueing behind other VMs, readahead, and who waits for what. */
class StorageDeviceTest {
    private static final long DISK_NS = 5_000_000, DISK_BPS = 150L << 20;

    @Test
    void anIdleDeviceAnswersInItsServiceTime() {
        StorageDevice d = new StorageDevice(DISK_NS, DISK_BPS, 1, 2);
        double page = 4096 * 1e9 / DISK_BPS;
        assertThat(d.read(1, 0, 1)).isCloseTo(DISK_NS + page, within(1e-6));
        assertThat(d.read(8, 0, 1)).isCloseTo(DISK_NS + 8 * page, within(1e-6));
    }

    @Test
    void aRequesterAloneNeverQueuesBehindItself() {
        StorageDevice d = new StorageDevice(DISK_NS, DISK_BPS, 1, 2);
        double first = d.read(1, 0, 1);
        for (int s = 0; s < 50; s++) {
            for (int i = 0; i < 150; i++) d.read(1, 0, 1); // about 0.75 s of service asked a second
            d.endStep(1e8);
        }
        assertThat(d.utilisation()).isGreaterThan(0.5);
        assertThat(d.read(1, 0, 1)).isCloseTo(first, within(1e-6));
        // another VM on the same device waits behind that load
        assertThat(d.read(1, 1, 1)).isGreaterThan(2 * first);
    }

    /** More load from the other VMs never makes a read faster, and a saturated device answers at most 20 times slower. */
    @Property(tries = 50)
    void waitGrowsWithTheOthersLoadAndIsBounded(@ForAll @IntRange(min = 0, max = 400) int low, @ForAll @IntRange(min = 0, max = 400) int extra) {
        double a = waitAfterOthersAsk(low), b = waitAfterOthersAsk(low + extra);
        assertThat(b).isGreaterThanOrEqualTo(a - 1e-9);
        assertThat(b).isLessThanOrEqualTo(20 * (DISK_NS + 4096 * 1e9 / DISK_BPS) + 1e-6);
    }

    private static double waitAfterOthersAsk(int readsPerStep) {
        StorageDevice d = new StorageDevice(DISK_NS, DISK_BPS, 1, 2);
        for (int s = 0; s < 30; s++) {
            for (int i = 0; i < readsPerStep; i++) d.read(1, 1, 1);
            d.endStep(1e9);
        }
        return d.read(1, 0, 1);
    }

    @Test
    void readaheadCostsLessThanTheSameReadsOneByOne() {
        StorageDevice d = new StorageDevice(DISK_NS, DISK_BPS, 1, 2);
        double one = d.read(1, 0, 1);
        assertThat(d.read(8, 0, 1)).isLessThan(2 * one);
    }

    @Test
    void aHypervisorSwapInHoldsTheVcpuAndAGuestSwapInDoesNot() {
        StorageDevice disk = new StorageDevice(DISK_NS, DISK_BPS, 1, 2);
        MissCosts c = new MissCosts(4000, 20_000, 10_000, disk, disk, 4);
        c.startMiss();
        c.hostSwapIn(1);
        double stall = c.stallNs();
        assertThat(stall).as("the application loses a quarter: 3 of its 4 threads run on").isCloseTo((DISK_NS + 4096 * 1e9 / DISK_BPS) / 4, within(1.0));
        assertThat(c.takeHeldNs()).isCloseTo(4 * stall, within(1.0));
        assertThat(c.takeGuestWaitNs()).isZero();
        c.startMiss();
        c.guestSwapIn(1);
        c.stallNs();
        assertThat(c.takeHeldNs()).isZero();
        assertThat(c.takeGuestWaitNs()).isPositive();
        assertThat(c.hvCpuNs()).as("ioCpu per I/O, never on the vCPU").isCloseTo(20_000, within(1e-6));
        assertThat(c.hvSyncNs()).isZero();
    }
}
