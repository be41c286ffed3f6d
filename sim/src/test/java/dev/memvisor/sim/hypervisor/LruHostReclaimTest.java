package dev.memvisor.sim.hypervisor;

import dev.memvisor.core.policy.PolicyRegistry;
import dev.memvisor.sim.Rng;
import dev.memvisor.sim.memory.MissCosts;
import dev.memvisor.sim.memory.StorageDevice;
import dev.memvisor.sim.memory.VmPages;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.memvisor.sim.memory.PageState.MAPPED;
import static dev.memvisor.sim.memory.PageState.SWAPPED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Linux host reclaim (CLOCK over the host's referenced bits, one hand across all VMs), in hand-worked
 * cases with exact pages: what it takes when the host is out of frames, in which order, and whom it passes.
 */
class LruHostReclaimTest {
    private static final StorageDevice DISK = new StorageDevice(5_000_000, 150L << 20, 1, 4);

    private static Hypervisor host(int frames, int vms, HostReclaim reclaim) {
        return new Hypervisor(new Hypervisor.Settings(frames, 1, vms, 0, false, false, 0, 0, 4096, 4096, 1, reclaim));
    }

    private static VmBacking vm(Hypervisor hv, int pages, long reservationPages) {
        return hv.addVm(new VmPages(pages, pages), new Rng(1, hv.vmCount() + 1), new MissCosts(1000, 20_000, 10_000, DISK, DISK, 1),
                pages, reservationPages);
    }

    /**
     * A full host of 16 frames: VM 0 (busy) holds 8 pages it has all referenced, VM 1 (cold) 8 pages none has touched
     * since boot, reserved {@code coldReservation}; VM 2 (late) holds nothing yet. Returns the three.
     */
    private static VmBacking[] busyColdAndLate(Hypervisor hv, long coldReservation) {
        VmBacking busy = vm(hv, 8, 0), cold = vm(hv, 8, coldReservation), late = vm(hv, 8, 0);
        for (int g = 0; g < 8; g++) {
            busy.back(g);
            busy.pages().reference(g);
            cold.back(g);
        }
        assertThat(hv.machine().freeFrames()).isZero();
        return new VmBacking[] {busy, cold, late};
    }

    /** Pages of {@code vm} in the swap, in page order. */
    private static List<Integer> swapped(VmBacking vm) {
        List<Integer> out = new ArrayList<>();
        for (int g = 0; g < vm.pages().count(); g++) if (vm.pages().hostState(g) == SWAPPED) out.add(g);
        return out;
    }

    @Test
    void theColdVmGivesItsPagesAndTheBusyOneKeepsItsOwn() {
        // 16 frames, both VMs hold 8; the busy VM has referenced every page, the idle one none since boot
        Hypervisor hv = host(16, 3, HostReclaim.LRU);
        VmBacking[] v = busyColdAndLate(hv, 0);
        VmBacking busy = v[0], idle = v[1];

        for (int g = 0; g < 6; g++) v[2].back(g);

        assertThat(swapped(busy)).isEmpty();
        assertThat(swapped(idle)).containsExactly(0, 1, 2, 3, 4, 5); // in the hand's order
        assertThat(hv.machine().privateFrames(2)).isEqualTo(6);
        hv.checkInvariants();
    }

    @Test
    void aReferencedPageGetsOneSecondChance() {
        // a VM of 16 pages limited to 8, pages 1 and 3 of its first 8 referenced; each new page is referenced as its
        // fault touches it: the hand takes the other six first, clearing the bits of 1 and 3, then 1 and 3
        Hypervisor hv = host(100, 1, HostReclaim.LRU);
        VmBacking v = hv.addVm(new VmPages(16, 16), new Rng(1, 1), new MissCosts(1000, 20_000, 10_000, DISK, DISK, 1), 8, 0);
        for (int g = 0; g < 8; g++) v.back(g);
        v.pages().reference(1);
        v.pages().reference(3);
        List<Integer> order = new ArrayList<>();
        for (int g = 8; g < 16; g++) {
            v.back(g);
            v.pages().reference(g);
            for (int p : swapped(v)) if (!order.contains(p)) order.add(p);
        }
        assertThat(order).containsExactly(0, 2, 4, 5, 6, 7, 1, 3);
        hv.checkInvariants();
    }

    @Test
    void theHandPassesAVmAtItsReservation() {
        // the cold VM is held at its reservation of 8 pages: the reclaim takes the referenced VM's pages instead
        Hypervisor hv = host(16, 3, HostReclaim.LRU);
        VmBacking[] v = busyColdAndLate(hv, 8);
        VmBacking busy = v[0], reserved = v[1];

        for (int g = 0; g < 3; g++) v[2].back(g);

        assertThat(swapped(reserved)).isEmpty();
        assertThat(swapped(busy)).hasSize(3);
        assertThat(hv.frames().reservationViolationPages(1)).isZero();
        hv.checkInvariants();
    }

    @Test
    void randomReclaimTakesFromTheVmFurthestAboveItsReservationWhateverItsUse() {
        // the same host as the first case under ESX's swapper: the busy VM (first of two equally far above) gives pages
        Hypervisor hv = host(16, 3, HostReclaim.RANDOM);
        VmBacking[] v = busyColdAndLate(hv, 0);
        VmBacking busy = v[0], idle = v[1];

        v[2].back(0);

        assertThat(swapped(busy)).hasSize(1);
        assertThat(swapped(idle)).isEmpty();
        hv.checkInvariants();
    }

    @Test
    void aVmAtItsLimitGivesItsOwnLeastRecentlyUsedPage() {
        // a VM limited to 4 pages: touching a fifth swaps its one unreferenced page, not a random one
        Hypervisor hv = new Hypervisor(new Hypervisor.Settings(100, 1, 1, 0, false, false, 0, 0, 4096, 4096, 1, HostReclaim.LRU));
        VmBacking v = hv.addVm(new VmPages(8, 8), new Rng(1, 1), new MissCosts(1000, 20_000, 10_000, DISK, DISK, 1), 4, 0);
        for (int g = 0; g < 4; g++) v.back(g);
        for (int g : new int[] {0, 1, 3}) v.pages().reference(g);

        v.back(4);

        assertThat(swapped(v)).containsExactly(2);
        assertThat(v.pages().hostState(4)).isEqualTo(MAPPED);
        hv.checkInvariants();
    }

    @Test
    void esxModelsEsxsSwapperAndEveryOtherPolicyLinux() {
        for (String policy : PolicyRegistry.names()) {
            assertThat(HostReclaim.forPolicy(policy)).as(policy).isEqualTo(policy.equals("esx") ? HostReclaim.RANDOM : HostReclaim.LRU);
        }
        assertThat(HostReclaim.parse(" LRU ")).isEqualTo(HostReclaim.LRU);
        assertThat(HostReclaim.parse("random")).isEqualTo(HostReclaim.RANDOM);
        assertThat(HostReclaim.parse("clock")).isNull();
    }
}
