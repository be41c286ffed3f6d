package dev.memvisor.core.policy.hyperv;

import dev.memvisor.core.control.PlanBounds;
import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.HotplugMemory;
import dev.memvisor.core.model.Plan;
import dev.memvisor.core.model.VmPlan;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.model.VmView;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.policy.PolicyRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.memvisor.core.unit.Size.GIB;
import static dev.memvisor.core.unit.Size.MIB;
import static org.assertj.core.api.Assertions.assertThat;

/** Hyper-V's startup, minimum, maximum and buffer acting through a virtio-mem device: hot-add to grow, unplug to shrink. */
class HyperVHotplugTest {
    private static final long BLOCK = 128 * MIB;

    /** A VM that booted with 1G, with a 3G region of 128M blocks (4G configured, minimum 512M), {@code plugged} plugged, {@code committed} in use. */
    private static VmView vm(long plugged, long committed) {
        VmSettings s = VmSettings.of("hot", 4 * GIB).withReservation(512 * MIB);
        HotplugMemory h = new HotplugMemory(GIB, BLOCK, 3 * GIB, plugged, plugged);
        long present = GIB + plugged;
        return new VmView(s, present, present, 0, 0, 0, committed, present - committed, committed, h, VmView.UNKNOWN);
    }

    private static VmPlan decide(VmView vm, long hostBytes) {
        Plan p = PolicyRegistry.create("hyperv", PolicyConfig.defaults()).decide(new HostView(0, hostBytes, 0, 0, List.of(vm)));
        return new PlanBounds(0.65).bound(vm, p.vms().get(0));
    }

    @Test
    void aVmUnderPressureIsGrownPastItsBootMemoryByPluggingWholeBlocks() {
        // 1G present, 1G committed: need 1.2G; 100M above boot memory = one 128M block, the balloon holds the 28M beyond the need
        VmPlan p = decide(vm(0, GIB), 8 * GIB);
        long need = (long) Math.ceil(GIB * 1.2);
        assertThat(p.targetBytes()).isEqualTo(need);
        assertThat(p.pluggedTargetBytes()).isEqualTo(2 * BLOCK);
        assertThat(GIB + p.pluggedTargetBytes() - p.balloonTargetBytes()).as("what the guest sees").isEqualTo(need);
    }

    @Test
    void surplusIsUnpluggedNotBallooned() {
        // 3G present, 1G committed (need 1.2G) on a host with room for 2G: the 1G surplus goes by unplugging 8 blocks
        VmPlan p = decide(vm(2 * GIB, GIB), 2 * GIB);
        assertThat(p.targetBytes()).isEqualTo(2 * GIB);
        assertThat(p.pluggedTargetBytes()).isEqualTo(GIB);
        assertThat(p.balloonTargetBytes()).isZero();
        // with room, a VM keeps what it holds above its need (Hyper-V removes memory only when another VM needs it)
        assertThat(decide(vm(2 * GIB, GIB), 16 * GIB).pluggedTargetBytes()).isEqualTo(2 * GIB);
    }

    @Test
    void aShortHostShrinksItToItsMinimumWithinItsBootMemoryByTheBalloon() {
        // room for 512M only: minimum = reservation 512M, below the 1G boot memory: nothing plugged, a 512M balloon
        VmPlan p = decide(vm(GIB, 900 * MIB), 512 * MIB);
        assertThat(p.targetBytes()).isEqualTo(512 * MIB);
        assertThat(p.pluggedTargetBytes()).isZero();
        assertThat(p.balloonTargetBytes()).isEqualTo(512 * MIB);
    }
}
