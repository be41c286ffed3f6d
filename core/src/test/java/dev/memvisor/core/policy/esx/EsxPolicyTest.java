package dev.memvisor.core.policy.esx;

import dev.memvisor.core.model.HostMemoryState;
import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.Plan;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.model.VmView;
import dev.memvisor.core.policy.MemoryPolicy;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.policy.PolicyRegistry;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.memvisor.core.unit.Size.GIB;
import static dev.memvisor.core.unit.Size.MIB;
import static org.assertj.core.api.Assertions.assertThat;

class EsxPolicyTest {

    /** 10G host (no overhead), two 8G VMs holding 5G each: idle and busy; free memory as given. */
    private static HostView host(long free) {
        VmView idle = new VmView(VmSettings.of("idle", 8 * GIB), 5 * GIB, 5 * GIB, 3 * GIB, 0, 0, 0, VmView.UNKNOWN, VmView.UNKNOWN);
        VmView busy = new VmView(VmSettings.of("busy", 8 * GIB), 5 * GIB, 5 * GIB, 3 * GIB, 0, 0, 6 * GIB, VmView.UNKNOWN, VmView.UNKNOWN);
        return new HostView(0, 10 * GIB, free, 0, List.of(idle, busy));
    }

    private static MemoryPolicy esx() {
        return PolicyRegistry.create("esx", PolicyConfig.defaults());
    }

    @Test
    void inTheHighStateBalloonsOnlyDeflate() {
        Plan p = esx().decide(host(GIB));
        assertThat(p.state()).isEqualTo(HostMemoryState.HIGH);
        // ksmtuned's scaling: 10G of machine memory in pages, one pass in 655 s (SharingScanRate)
        assertThat(p.sharingScanPagesPerSecond()).isEqualTo((10 * GIB / 4096 + 654) / 655);
        // idle target 2.75G: wants a 5.25G balloon, capped at 65 % (5.2G), but may only keep its 3G.
        assertThat(p.vm("idle").orElseThrow().balloonTargetBytes()).isEqualTo(3 * GIB);
        // busy target 7.25G: 0.75G balloon, below its current 3G: deflate.
        assertThat(p.vm("busy").orElseThrow().balloonTargetBytes()).isEqualTo(768 * MIB);
        assertThat(p.vms()).allMatch(v -> v.swapTargetBytes() == 0 && !v.compressionAllowed() && !v.blockAllocations());
    }

    @Test
    void inTheSoftStateBalloonsInflateUpToTheCap() {
        Plan p = esx().decide(host(300 * MIB)); // 2.9 %
        assertThat(p.state()).isEqualTo(HostMemoryState.SOFT);
        assertThat(p.vm("idle").orElseThrow().targetBytes()).isEqualTo(2816 * MIB);
        assertThat(p.vm("idle").orElseThrow().balloonTargetBytes()).isEqualTo((long) (0.65 * 8 * GIB));
        assertThat(p.vms()).allMatch(v -> v.swapTargetBytes() == 0);
    }

    @Test
    void inTheHardStateTheHostSwapsWhatIsAboveTarget() {
        Plan p = esx().decide(host(150 * MIB)); // 1.5 %
        assertThat(p.state()).isEqualTo(HostMemoryState.HARD);
        var idle = p.vm("idle").orElseThrow();
        assertThat(idle.swapTargetBytes()).isEqualTo(5 * GIB - 2816 * MIB);
        assertThat(idle.compressionAllowed()).isTrue();
        assertThat(idle.blockAllocations()).isFalse();
        assertThat(p.vm("busy").orElseThrow().swapTargetBytes()).isZero(); // holds 5G, target 7.25G
    }

    @Test
    void inTheLowStateVmsAboveTargetAreBlocked() {
        Plan p = esx().decide(host(50 * MIB));
        assertThat(p.state()).isEqualTo(HostMemoryState.LOW);
        assertThat(p.vm("idle").orElseThrow().blockAllocations()).isTrue();
        assertThat(p.vm("busy").orElseThrow().blockAllocations()).isFalse();
    }

    @Test
    void withEsxi6StatesClearOnlySharesAndHardStopsTheBalloonWhereItWasSent() {
        // 10G host: minFree 6 % of 4G + 4 % of 6G = 486M; clear below it, soft below 311M, hard below 156M
        MemoryPolicy esx = PolicyRegistry.create("esx", PolicyConfig.builder().memoryStates("esxi6").build());
        Plan clear = esx.decide(host(400 * MIB));
        assertThat(clear.state()).isEqualTo(HostMemoryState.CLEAR);
        assertThat(clear.sharingScanPagesPerSecond()).isPositive();
        assertThat(clear.vm("idle").orElseThrow().balloonTargetBytes()).as("no inflation in clear").isEqualTo(3 * GIB);
        assertThat(clear.vms()).allMatch(v -> v.swapTargetBytes() == 0);
        Plan soft = esx.decide(host(300 * MIB));
        assertThat(soft.state()).isEqualTo(HostMemoryState.SOFT);
        assertThat(soft.vm("idle").orElseThrow().balloonTargetBytes()).isEqualTo((long) (0.65 * 8 * GIB));
        Plan hard = esx.decide(host(150 * MIB));
        assertThat(hard.state()).isEqualTo(HostMemoryState.HARD);
        // the balloon keeps the target soft sent, no further; swap takes what is above target
        assertThat(hard.vm("idle").orElseThrow().balloonTargetBytes()).isEqualTo((long) (0.65 * 8 * GIB));
        assertThat(hard.vm("idle").orElseThrow().swapTargetBytes()).isEqualTo(5 * GIB - 2816 * MIB);
        Plan low = esx.decide(host(50 * MIB));
        assertThat(low.state()).isEqualTo(HostMemoryState.LOW);
        assertThat(low.sharingScanPagesPerSecond()).as("low does not share").isZero();
        assertThat(low.vm("idle").orElseThrow().blockAllocations()).isTrue();
        // a fresh policy that falls straight to hard never inflates
        Plan straight = PolicyRegistry.create("esx", PolicyConfig.builder().memoryStates("esxi6").build()).decide(host(150 * MIB));
        assertThat(straight.vm("idle").orElseThrow().balloonTargetBytes()).isEqualTo(3 * GIB);
    }

    @Test
    void thePolicyKeepsItsStateBetweenCallsForHysteresis() {
        MemoryPolicy esx = esx();
        assertThat(esx.decide(host(300 * MIB)).state()).isEqualTo(HostMemoryState.SOFT);
        assertThat(esx.decide(host(500 * MIB)).state()).isEqualTo(HostMemoryState.SOFT); // 4.9 %: below 6 %
        assertThat(esx.decide(host(700 * MIB)).state()).isEqualTo(HostMemoryState.HIGH);
    }

    @Test
    void aVmWithoutBalloonDriverGetsNoBalloon() {
        VmView vm = VmView.fresh(VmSettings.of("nodriver", 8 * GIB).withBallooning(false), 0);
        Plan p = esx().decide(new HostView(0, 4 * GIB, 0, 0, List.of(vm, VmView.fresh(VmSettings.of("b", 8 * GIB), 0))));
        assertThat(p.vm("nodriver").orElseThrow().balloonTargetBytes()).isZero();
        assertThat(p.vm("nodriver").orElseThrow().swapTargetBytes()).isEqualTo(6 * GIB);
    }

    @Provide
    Arbitrary<HostView> hosts() { return HostGenerators.hosts(); }

    @Property
    void plansRespectBoundsAndBalloonCaps(@ForAll("hosts") HostView h) {
        Plan p = esx().decide(h);
        long sum = 0;
        for (int i = 0; i < h.vms().size(); i++) {
            var s = h.vms().get(i).settings();
            var v = p.vms().get(i);
            assertThat(v.name()).isEqualTo(s.name());
            assertThat(v.targetBytes()).isBetween(s.reservationBytes(), s.ceilingBytes());
            assertThat(v.balloonTargetBytes()).isLessThanOrEqualTo((long) (0.65 * s.configuredBytes()));
            assertThat(v.reason()).isNotBlank();
            sum += v.targetBytes();
        }
        assertThat(sum).isLessThanOrEqualTo(h.availableForVmsBytes());
    }
}
