package dev.memvisor.sim.memory;

import org.junit.jupiter.api.Test;

import static dev.memvisor.sim.memory.PageState.ANON;
import static dev.memvisor.sim.memory.PageState.MAPPED;
import static dev.memvisor.sim.memory.PageState.REF;
import static dev.memvisor.sim.memory.PageState.UNIQUE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The host reclaim's referenced bit is a fast-path bit like REF and ACT: clearing it makes the page's
 * next reference take the slow path (the reference loop's fast path writes nothing, so a bit it could
 * not see cleared would never be set again and every page would look cold to the reclaim).
 */
class HostReferencedTrapTest {
    private static final int VPN = 3, G = 5;

    private static VmPages referencedPage() {
        VmPages p = new VmPages(8, 8);
        p.setGuestByte(G, ANON);
        p.setHostState(G, MAPPED);
        p.map(VPN, G);
        p.setContent(G, UNIQUE);
        p.reference(G);
        return p;
    }

    private static int fastPathBits(VmPages p) {
        return p.pageTableEntries()[VPN] & (VmPages.PTE_READ | VmPages.PTE_WRITE);
    }

    @Test
    void clearingTheBitTrapsTheNextReferenceWhichSetsItAgain() {
        VmPages p = referencedPage();
        assertThat(fastPathBits(p)).isEqualTo(VmPages.PTE_READ | VmPages.PTE_WRITE);
        assertThat(p.clearHostReferenced(G)).isTrue();
        assertThat(fastPathBits(p)).isZero();
        // a second pass with no reference between: no second chance
        assertThat(p.clearHostReferenced(G)).isFalse();
        p.reference(G);
        assertThat(fastPathBits(p)).isEqualTo(VmPages.PTE_READ | VmPages.PTE_WRITE);
        assertThat(p.clearHostReferenced(G)).isTrue();
    }

    @Test
    void theGuestsClockKeepsTheHostsBitAndANewUseClearsIt() {
        VmPages p = referencedPage();
        // the guest's CLOCK clears its own REF bit only
        p.setGuestByte(G, p.guestByte(G) & ~REF);
        assertThat(p.clearHostReferenced(G)).isTrue();
        p.reference(G);
        // the page freed and reused: what referenced it before says nothing of its new use
        p.setGuestByte(G, PageState.FREE);
        assertThat(p.clearHostReferenced(G)).isFalse();
    }
}
