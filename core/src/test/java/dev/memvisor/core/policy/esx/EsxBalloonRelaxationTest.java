package dev.memvisor.core.policy.esx;

import dev.memvisor.core.model.HostMemoryState;
import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.MemoryThresholds;
import dev.memvisor.core.model.Plan;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.model.VmView;
import dev.memvisor.core.policy.PolicyConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.memvisor.core.unit.Size.GIB;
import static dev.memvisor.core.unit.Size.MIB;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Worked cases of the high state's balloon relaxation: a 16G host (no overhead) with the high
 * threshold at 1/16 and soft at 1/32, so the relaxation keeps 3/64 free (768M, exact in binary);
 * two 12G VMs, each holding all it sees (12G less its balloon), 6G of it active and 2G of it shared,
 * so with 4G balloons they consume 12G and 4G of the host is free. Neither VM can grow without its
 * balloon deflating, so no headroom is held back for them (see the last test for a VM that can).
 */
class EsxBalloonRelaxationTest {
    private static final MemoryThresholds T = new MemoryThresholds(0.0625, 0.03125, 0.015625, 0.0078125);

    private static EsxPolicy esx() {
        return new EsxPolicy(PolicyConfig.builder().thresholds(T).build());
    }

    private static VmView vm(VmSettings s, long balloon) {
        long holds = s.configuredBytes() - balloon;
        return new VmView(s, holds, holds - 2 * GIB, balloon, 0, 0, 6 * GIB, VmView.UNKNOWN, VmView.UNKNOWN);
    }

    private static HostView host(VmSettings a, VmSettings b, long balloonA, long balloonB, long free) {
        return new HostView(0, 16 * GIB, free, 0, List.of(vm(a, balloonA), vm(b, balloonB)));
    }

    @Test
    void spareMemoryAboveTheHighThresholdDeflatesTheBalloonsBySharesAndIsNotHandedOutTwice() {
        VmSettings a = VmSettings.of("a", 12 * GIB), b = VmSettings.of("b", 12 * GIB);
        EsxPolicy esx = esx();
        // Targets: 16G split evenly, 8G each, so the allocation alone wants 12G - 8G = 4G balloons: what they hold.
        // Free 4G (25 %), 768M kept: 3.25G spare, split evenly: visible 8G -> 9.625G, balloons 2.375G.
        Plan p = esx.decide(host(a, b, 4 * GIB, 4 * GIB, 4 * GIB));
        assertThat(p.state()).isEqualTo(HostMemoryState.HIGH);
        assertThat(p.vm("a").orElseThrow().targetBytes()).isEqualTo(8 * GIB);
        assertThat(p.vms()).allSatisfy(v -> assertThat(v.balloonTargetBytes()).isEqualTo(2432 * MIB));
        // Next interval the drivers have not moved yet (balloons still 4G, free still 4G): the 3.25G in flight
        // is the spare already handed out, so the targets stay (no second 3.25G).
        Plan again = esx.decide(host(a, b, 4 * GIB, 4 * GIB, 4 * GIB));
        assertThat(again.vms()).allSatisfy(v -> assertThat(v.balloonTargetBytes()).isEqualTo(2432 * MIB));
        // Deflated and filled by the guests: free is at the threshold, nothing more to give, nothing taken back.
        Plan settled = esx.decide(host(a, b, 2432 * MIB, 2432 * MIB, 768 * MIB));
        assertThat(settled.vms()).allSatisfy(v -> assertThat(v.balloonTargetBytes()).isEqualTo(2432 * MIB));
    }

    @Test
    void theVmWithMoreSharesPerPageGetsTheSpareFirst() {
        // a has twice b's shares: the allocation gives it 2/3 of 16G (10.67G, wanted balloon 1.33G), b 5.33G
        // (wanted 6.67G, more than it holds: in high no balloon grows). The 3.25G spare goes where shares per
        // page are highest: all of it to a (visible 8G -> 11.25G: 2S / 11.25G is still above b's S / 8G), balloon 768M.
        VmSettings a = VmSettings.of("a", 12 * GIB);
        a = a.withShares(2 * a.shares());
        VmSettings b = VmSettings.of("b", 12 * GIB);
        Plan p = esx().decide(host(a, b, 4 * GIB, 4 * GIB, 4 * GIB));
        assertThat(p.vm("a").orElseThrow().balloonTargetBytes()).isEqualTo(768 * MIB);
        assertThat(p.vm("b").orElseThrow().balloonTargetBytes()).isEqualTo(4 * GIB);
    }

    @Test
    void balloonsDeflateOnlyByTheSpareAndNeverGrowInTheHighState() {
        VmSettings a = VmSettings.of("a", 12 * GIB), b = VmSettings.of("b", 12 * GIB);
        // free 1G (6.25 %, high) is 256M above the 768M kept: 128M each
        Plan p = esx().decide(host(a, b, 4 * GIB, 4 * GIB, GIB));
        assertThat(p.state()).isEqualTo(HostMemoryState.HIGH);
        assertThat(p.vms()).allSatisfy(v -> assertThat(v.balloonTargetBytes()).isEqualTo(3968 * MIB));
        // small balloons (1G) well under the allocation's 4G are not inflated; at 768M free nothing deflates either
        Plan small = esx().decide(host(a, b, GIB, GIB, 768 * MIB));
        assertThat(small.vms()).allSatisfy(v -> assertThat(v.balloonTargetBytes()).isEqualTo(GIB));
    }

    private static VmView holding(VmSettings s, long balloon, long holds) {
        return new VmView(s, holds, holds, balloon, 0, 0, 6 * GIB, VmView.UNKNOWN, VmView.UNKNOWN);
    }

    @Test
    void memoryAGrowingVmBelowItsEntitlementMayStillGrowIntoIsNotLentToTheOthersUntilItStopsGrowing() {
        VmSettings a = VmSettings.of("a", 12 * GIB), b = VmSettings.of("b", 12 * GIB);
        EsxPolicy esx = esx();
        // soft (400M free): nothing is lent; a holds 6G of the 8G it sees and is entitled to
        esx.decide(new HostView(0, 16 * GIB, 400 * MIB, 0, List.of(holding(a, 4 * GIB, 6 * GIB), vm(b, 4 * GIB))));
        // a grew to 7G: 5G free, 1G of it a's own headroom, so the same 3.25G as in the first test goes out
        // (1.625G each, balloons 2.375G), not 4.25G
        Plan p = esx.decide(new HostView(2000, 16 * GIB, 5 * GIB, 0, List.of(holding(a, 4 * GIB, 7 * GIB), vm(b, 4 * GIB))));
        assertThat(p.state()).isEqualTo(HostMemoryState.HIGH);
        assertThat(p.vms()).allSatisfy(v -> assertThat(v.balloonTargetBytes()).isEqualTo(2432 * MIB));
        // a stopped growing (drivers not moved yet, the 3.25G in flight): its 1G headroom is lent too, 512M each
        Plan steady = esx.decide(new HostView(4000, 16 * GIB, 5 * GIB, 0, List.of(holding(a, 4 * GIB, 7 * GIB), vm(b, 4 * GIB))));
        assertThat(steady.vms()).allSatisfy(v -> assertThat(v.balloonTargetBytes()).isEqualTo(1920 * MIB));
        // growing from 3G to 4G of its 8G: its 4G headroom is all the host has free beyond what it keeps: nothing is lent
        EsxPolicy fresh = esx();
        fresh.decide(new HostView(0, 16 * GIB, 400 * MIB, 0, List.of(holding(a, 4 * GIB, 3 * GIB), vm(b, 4 * GIB))));
        Plan growing = fresh.decide(new HostView(2000, 16 * GIB, 4 * GIB + 768 * MIB, 0, List.of(holding(a, 4 * GIB, 4 * GIB), vm(b, 4 * GIB))));
        assertThat(growing.vms()).allSatisfy(v -> assertThat(v.balloonTargetBytes()).isEqualTo(4 * GIB));
    }

    @Test
    void anInflationASofterStateOrderedGoesOnWhenTheHostClimbsBackToHigh() {
        VmSettings a = VmSettings.of("a", 12 * GIB), b = VmSettings.of("b", 12 * GIB);
        EsxPolicy esx = esx();
        // Soft (400M free): both are entitled to 8G, so both balloons are sent to 4G.
        Plan soft = esx.decide(new HostView(0, 16 * GIB, 400 * MIB, 0, List.of(holding(a, 0, 12 * GIB), holding(b, 0, 5 * GIB))));
        assertThat(soft.state()).isEqualTo(HostMemoryState.SOFT);
        assertThat(soft.vms()).allSatisfy(v -> assertThat(v.balloonTargetBytes()).isEqualTo(4 * GIB));
        // Halfway there the host is back in high (1G free); b has grown from 5G to 6G of the 8G it is entitled to, so
        // nothing is spare and both inflations go on: stopping them at 2G would have the next soft state send them to 4G again.
        Plan high = esx.decide(new HostView(2000, 16 * GIB, GIB, 0, List.of(holding(a, 2 * GIB, 10 * GIB), holding(b, 2 * GIB, 6 * GIB))));
        assertThat(high.state()).isEqualTo(HostMemoryState.HIGH);
        assertThat(high.vms()).allSatisfy(v -> assertThat(v.balloonTargetBytes()).isEqualTo(4 * GIB));
    }
}
