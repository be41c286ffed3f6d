package dev.memvisor.sim.hypervisor;

import dev.memvisor.sim.Rng;
import dev.memvisor.sim.memory.MissCosts;
import dev.memvisor.sim.memory.StorageDevice;
import dev.memvisor.sim.memory.VmPages;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two merge rules of the sharing scanner on two VMs of identical pages: ESX's hint merges at the first visit,
 * KSM's checksum rule only when a second visit finds a page unchanged, and not at all for a page rewritten between.
 */
class KsmMergeRuleTest {
    private static final StorageDevice DISK = new StorageDevice(5_000_000, 150L << 20, 1, 4);
    private static final int PAGES = 8;

    /** Two VMs of {@link #PAGES} backed pages, page g of each holding content g + 1 (shareable), under {@code rule}. */
    private static VmBacking[] twoIdentical(Hypervisor hv, SharingMerge rule) {
        hv.sharing().setMerge(rule);
        VmBacking[] v = new VmBacking[2];
        for (int i = 0; i < 2; i++) {
            v[i] = hv.addVm(new VmPages(PAGES, PAGES), new Rng(1, i + 1), new MissCosts(1000, 20_000, 10_000, DISK, DISK, 1), PAGES, 0);
            for (int g = 0; g < PAGES; g++) {
                v[i].back(g);
                v[i].pages().setContent(g, g + 1);
            }
        }
        return v;
    }

    private static Hypervisor host() {
        return new Hypervisor(new Hypervisor.Settings(100, PAGES + 1, 2, 0, false, false, 0, 0, 4096, 4096, 1, HostReclaim.RANDOM));
    }

    @Test
    void esxMergesAtTheFirstVisitKsmAtTheSecond() {
        Hypervisor esx = host();
        twoIdentical(esx, SharingMerge.HINT);
        esx.sharing().scan(2L * PAGES); // one visit of every page
        assertThat(esx.sharing().savedPages()).isEqualTo(PAGES);
        esx.checkInvariants();

        Hypervisor ksm = host();
        twoIdentical(ksm, SharingMerge.KSM);
        assertThat(ksm.sharing().merge()).isEqualTo(SharingMerge.KSM);
        ksm.sharing().scan(2L * PAGES);
        assertThat(ksm.sharing().savedPages()).as("first pass: checksums only").isZero();
        ksm.sharing().scan(2L * PAGES);
        assertThat(ksm.sharing().savedPages()).as("second pass: unchanged pages merge").isEqualTo(PAGES);
        ksm.checkInvariants();
    }

    @Test
    void underKsmARewrittenPageWaitsForAnotherPassUnlessTheStableTreeHasItsContent() {
        Hypervisor hv = host();
        VmBacking[] v = twoIdentical(hv, SharingMerge.KSM);
        hv.sharing().scan(2L * PAGES);
        // page 0 of VM 1 is rewritten with page 1's content: its checksum changed, so the second pass only records it
        v[1].pages().setContent(0, 2);
        hv.sharing().scan(2L * PAGES);
        assertThat(hv.sharing().savedPages()).as("pages 1-7 of both merged; page 0 of neither").isEqualTo(PAGES - 1);
        assertThat(v[1].pages().hostState(0)).isEqualTo(dev.memvisor.sim.memory.PageState.MAPPED);
        // the third pass finds its content in the stable tree (the shared frame of content 2): merged at once
        hv.sharing().scan(2L * PAGES);
        assertThat(v[1].pages().hostState(0)).isEqualTo(dev.memvisor.sim.memory.PageState.SHARED);
        assertThat(hv.sharing().savedPages()).isEqualTo(PAGES);
        hv.checkInvariants();
    }

    @Test
    void theDefaultFollowsThePolicysHypervisorAndAScenarioCanSetIt() {
        assertThat(SharingMerge.resolve(null, "esx")).isEqualTo(SharingMerge.HINT);
        for (String p : new String[] {"static", "proxmox", "mom", "hyperv", "psi"}) assertThat(SharingMerge.resolve(null, p)).isEqualTo(SharingMerge.KSM);
        assertThat(SharingMerge.resolve("KSM", "esx")).isEqualTo(SharingMerge.KSM);
        assertThat(SharingMerge.resolve("hint", "static")).isEqualTo(SharingMerge.HINT);
        assertThat(SharingMerge.parse("tps")).isNull();
    }
}
