package dev.memvisor.sim.hypervisor;

import dev.memvisor.sim.Rng;
import dev.memvisor.sim.memory.MissCosts;
import dev.memvisor.sim.memory.StorageDevice;
import dev.memvisor.sim.memory.VmPages;
import org.junit.jupiter.api.Test;

import static dev.memvisor.sim.memory.PageState.COMPRESSED;
import static dev.memvisor.sim.memory.PageState.MAPPED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression (PageConservationPropertyTest, seed 59 of /work/wt/pageconservation-repro.yaml): a fault on a
 * compressed page on a full host whose only reclaimable memory is that very page. Finding the frame
 * writes the page to swap; the fault must then read it from swap, not decompress it a second time.
 */
class FaultOnReclaimedPageTest {

    @Test
    void aPageReclaimedWhileItsFrameIsFoundIsFilledFromWhereItWent() {
        // 4 frames, one VM of 8 pages held at its reservation (nothing above target or reservation to take)
        Hypervisor hv = new Hypervisor(new Hypervisor.Settings(4, 1, 1, 0, false, true, 1.0, 1.0, 4096, 4096, 1, HostReclaim.RANDOM));
        VmPages pages = new VmPages(8, 8);
        StorageDevice disk = new StorageDevice(5_000_000, 150L << 20, 1, 4);
        VmBacking vm = hv.addVm(pages, new Rng(1, 1), new MissCosts(1000, 20_000, 10_000, disk, disk, 1), 8, 8);
        for (int g = 0; g < 4; g++) vm.back(g);
        assertThat(hv.machine().freeFrames()).isZero();
        assertThat(hv.swap().swapOutOne(vm, true)).isTrue(); // compresses one page: its cache takes the frame it freed
        int compressed = pages.firstInHostState(0, COMPRESSED);
        assertThat(compressed).isNotNegative();
        assertThat(hv.machine().freeFrames()).isZero();

        vm.back(compressed);

        assertThat(pages.hostState(compressed)).isEqualTo(MAPPED);
        assertThat(hv.compression().compressedPages(0)).isZero();
        assertThat(hv.swap().swappedPages(0)).isZero();
        assertThat(hv.swap().swapIns(0)).isEqualTo(1); // it went to swap while the frame was found, and came back from there
        hv.checkInvariants();
    }
}
