package dev.memvisor.core.policy.proxmox;

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

class ProxmoxPolicyTest {

    private static VmView vm(String name, long visible, long min, long guestFree) {
        return new VmView(VmSettings.of(name, 8 * GIB).withReservation(min).withShares(1000), visible, visible,
                8 * GIB - visible, 0, 0, 0, guestFree, VmView.UNKNOWN);
    }

    private static Plan decide(HostView h) {
        return PolicyRegistry.create("proxmox", PolicyConfig.defaults()).decide(h);
    }

    @Test
    void aShrinkAsksVmsWithFreeMemoryFirstAtMost100MiB() {
        // 8G host, 512M free: goal = 0.8 * 8G - 7.5G = -1.1G. "roomy" has 2G free (> 1G / 4) and is asked
        // first: desired = 1G + (3G - 1.1G) = 2.9G, but one step moves at most 100M; the second pass makes
        // no further progress, and the shrink moved something, so "tight" (100M free) is left alone.
        Plan p = decide(new HostView(0, 8 * GIB, 512 * MIB, 0, List.of(
                vm("roomy", 4 * GIB, GIB, 2 * GIB), vm("tight", 3584 * MIB, GIB, 100 * MIB))));
        assertThat(p.vm("roomy").orElseThrow().targetBytes()).isEqualTo(4 * GIB - 100 * MIB);
        assertThat(p.vm("roomy").orElseThrow().balloonTargetBytes()).isEqualTo(4 * GIB + 100 * MIB);
        assertThat(p.vm("roomy").orElseThrow().reason()).isEqualTo("shrink 100M toward host goal -1.1G");
        assertThat(p.vm("tight").orElseThrow().targetBytes()).isEqualTo(3584 * MIB);
    }

    @Test
    void aGrowAsksVmsUnderPressureFirstSharedByShares() {
        // 16G host, 8G free: goal = 12.8G - 8G = +4.8G. "pressed" (no free memory) grows first: desired
        // = 1G + (3G + 4.8G) = its 8G ceiling; one step: +100M. "easy" is not asked: progress was made.
        Plan p = decide(new HostView(0, 16 * GIB, 8 * GIB, 0, List.of(
                vm("easy", 4 * GIB, GIB, 3 * GIB), vm("pressed", 4 * GIB, GIB, 0))));
        assertThat(p.vm("pressed").orElseThrow().targetBytes()).isEqualTo(4 * GIB + 100 * MIB);
        assertThat(p.vm("easy").orElseThrow().targetBytes()).isEqualTo(4 * GIB);
    }

    @Test
    void nothingMovesWhenTheGoalIsWithin10MiB() {
        // 10G host: 80 % is 8G used; 2G + 5M free means a goal of -5M.
        Plan p = decide(new HostView(0, 10 * GIB, 2 * GIB - 5 * MIB, 0, List.of(vm("a", 4 * GIB, GIB, 3 * GIB))));
        assertThat(p.vm("a").orElseThrow().targetBytes()).isEqualTo(4 * GIB);
        assertThat(p.vm("a").orElseThrow().reason()).startsWith("unchanged (hold");
    }

    @Test
    void sharesSplitTheMemoryAboveTheMinimum() {
        // Large step so the share split shows: goal -2G over two roomy VMs of 4G (min 1G), shares 1000 and 3000:
        // alloc_old = 6G, alloc_new = 4G; desired = 1G + 1G = 2G and 1G + 3G = 4G.
        PolicyConfig c = PolicyConfig.builder().proxmoxMaxStepBytes(8 * GIB).build();
        VmView a = vm("a", 4 * GIB, GIB, 2 * GIB);
        VmView b = new VmView(new VmSettings("b", 8 * GIB, GIB, 8 * GIB, 3000, true), 4 * GIB, 4 * GIB, 4 * GIB, 0, 0, 0, 2 * GIB, VmView.UNKNOWN);
        Plan p = PolicyRegistry.create("proxmox", c).decide(new HostView(0, 10 * GIB, 0, 0, List.of(a, b)));
        assertThat(p.vms()).extracting(v -> v.targetBytes()).containsExactly(2 * GIB, 4 * GIB);
    }
}
