package dev.memvisor.core.policy.hyperv;

import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.Plan;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.model.VmView;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.policy.PolicyRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.memvisor.core.unit.Size.GIB;
import static dev.memvisor.core.unit.Size.MIB;
import static org.assertj.core.api.Assertions.assertThat;

class HyperVPolicyTest {

    /** An 8G VM currently visible at {@code visible} with {@code committed} in use. */
    private static VmView vm(String name, long shares, long visible, long committed) {
        return new VmView(VmSettings.of(name, 8 * GIB).withShares(shares).withReservation(GIB), visible, visible,
                8 * GIB - visible, 0, 0, Math.min(committed, visible), Math.max(0, visible - committed), committed);
    }

    private static Plan decide(HostView h) {
        return PolicyRegistry.create("hyperv", PolicyConfig.defaults()).decide(h);
    }

    @Test
    void vmsUnderPressureGrowWithWhatOthersHoldAboveTheirNeed() {
        // 12G for VMs. Buffer 20 %: a needs 2G*1.2 = 2.4G (holds 6G: 3.6G surplus); b needs 4.8G (holds 4G);
        // c needs 3G (holds 2G). Growth 1.8G does not fit (0 free): a, the lowest weight, gives 1.8G;
        // then c (highest weight) grows to 3G and b to 4.8G.
        Plan p = decide(new HostView(0, 12 * GIB, 0, 0, List.of(
                vm("a", 100, 6 * GIB, 2 * GIB), vm("b", 200, 4 * GIB, 4 * GIB), vm("c", 300, 2 * GIB, 2560 * MIB))));
        long needB = (long) Math.ceil(4 * GIB * 1.2); // 5153960755.2 rounded up
        long growth = (needB - 4 * GIB) + GIB;
        assertThat(p.vms()).extracting(v -> v.targetBytes()).containsExactly(6 * GIB - growth, needB, 3 * GIB);
        assertThat(p.vm("a").orElseThrow().reason()).startsWith("surplus ballooned, weight 100");
        assertThat(p.vm("c").orElseThrow().reason()).isEqualTo("grown to need 3G, pressure 83%");
        assertThat(p.vm("c").orElseThrow().balloonTargetBytes()).isEqualTo(5 * GIB);
        assertThat(p.sharingScanPagesPerSecond()).isZero();
        assertThat(p.vms()).allMatch(v -> v.swapTargetBytes() == 0);
    }

    @Test
    void aShortHostBalloonsTheLowestWeightFirstDownToItsMinimum() {
        // 10G for VMs, both hold 6G and need 6G (5G committed + 20 %): 2G too much, taken from a (weight 100).
        Plan p = decide(new HostView(0, 10 * GIB, 0, 0, List.of(
                vm("a", 100, 6 * GIB, 5 * GIB), vm("b", 200, 6 * GIB, 5 * GIB))));
        assertThat(p.vms()).extracting(v -> v.targetBytes()).containsExactly(4 * GIB, 6 * GIB);
        assertThat(p.vm("a").orElseThrow().reason()).isEqualTo("below need, weight 100, pressure 125%");
        // 6G short: a goes to its 1G minimum, b gives the rest.
        Plan worse = decide(new HostView(0, 6 * GIB, 0, 0, List.of(
                vm("a", 100, 6 * GIB, 5 * GIB), vm("b", 200, 6 * GIB, 5 * GIB))));
        assertThat(worse.vms()).extracting(v -> v.targetBytes()).containsExactly(GIB, 5 * GIB);
        assertThat(worse.vm("a").orElseThrow().reason()).startsWith("at minimum 1G");
    }
}
