package dev.memvisor.core.policy.mom;

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

class MomPolicyTest {

    private static VmView vm(String name, long visible, long used) {
        return new VmView(VmSettings.of(name, 8 * GIB), visible, visible, 8 * GIB - visible, 0, 0, 0,
                visible - used, used);
    }

    private static Plan decide(HostView h) {
        return PolicyRegistry.create("mom", PolicyConfig.defaults()).decide(h);
    }

    @Test
    void underPressureGuestsShrinkFivePercentButNotBelowUsedPlusReserve() {
        // 10G host, 1G free = 10 % < 20 %: guest reserve = 20 % * (10 / 20) = 10 %.
        // a: 4G, 2G used: floor 2G + 0.4G = 2.4G, step 4G * 0.95 = 3.8G -> 3.8G.
        // b: 2G, 1.9G used: floor 1.9G + 0.2G = 2.1G above its size: unchanged.
        Plan p = decide(new HostView(0, 10 * GIB, GIB, 0, List.of(vm("a", 4 * GIB, 2 * GIB),
                vm("b", 2 * GIB, 1945 * MIB))));
        assertThat(p.vm("a").orElseThrow().targetBytes()).isEqualTo((long) (4 * GIB * 0.95));
        assertThat(p.vm("a").orElseThrow().reason()).isEqualTo("host under pressure, shrink (step -5%)");
        assertThat(p.vm("b").orElseThrow().targetBytes()).isEqualTo(2 * GIB);
        assertThat(p.vm("b").orElseThrow().balloonTargetBytes()).isEqualTo(6 * GIB);
    }

    @Test
    void theFloorStopsAShrinkPartWay() {
        // a: 4G, 3.5G used; floor 3.5G + 0.1 * 4G = 3.9G > 3.8G step: shrinks to 3.9G.
        Plan p = decide(new HostView(0, 10 * GIB, GIB, 0, List.of(vm("a", 4 * GIB, 3584 * MIB))));
        assertThat(p.vm("a").orElseThrow().targetBytes()).isEqualTo((long) (3584 * MIB + 0.1 * 4 * GIB));
        assertThat(p.vm("a").orElseThrow().reason()).isEqualTo("host under pressure, shrink (floor: used + 10% free)");
    }

    @Test
    void withoutPressureGuestsGrowFivePercentUpToTheirMaximum() {
        Plan p = decide(new HostView(0, 32 * GIB, 16 * GIB, 0, List.of(vm("a", 4 * GIB, GIB),
                vm("b", 8 * GIB - 100 * MIB, GIB), vm("c", 8 * GIB, GIB))));
        assertThat(p.vm("a").orElseThrow().targetBytes()).isEqualTo((long) (4 * GIB * 1.05));
        assertThat(p.vm("b").orElseThrow().targetBytes()).isEqualTo(8 * GIB);
        assertThat(p.vm("c").orElseThrow().reason()).isEqualTo("at maximum 8G");
    }

    @Test
    void changesUnderAQuarterPercentAreSkipped() {
        // 8G - 16M grows at most to its 8G maximum: 16M is 0.2 % of its size, under 0.25 %.
        Plan p = decide(new HostView(0, 32 * GIB, 16 * GIB, 0, List.of(vm("a", 8 * GIB - 16 * MIB, GIB))));
        assertThat(p.vm("a").orElseThrow().targetBytes()).isEqualTo(8 * GIB - 16 * MIB);
        assertThat(p.vm("a").orElseThrow().reason()).isEqualTo("change under 0.25%: skipped");
    }
}
