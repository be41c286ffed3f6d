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
 * two 12G VMs, each fully active on 6G and holding a 4G balloon, so 4G of the host is free.
 */
class EsxBalloonRelaxationTest {
    private static final MemoryThresholds T = new MemoryThresholds(0.0625, 0.03125, 0.015625, 0.0078125);

    private static EsxPolicy esx() {
        return new EsxPolicy(PolicyConfig.builder().thresholds(T).build());
    }

    private static VmView vm(VmSettings s, long balloon) {
        return new VmView(s, 6 * GIB, 6 * GIB, balloon, 0, 0, 6 * GIB, VmView.UNKNOWN, VmView.UNKNOWN);
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
}
