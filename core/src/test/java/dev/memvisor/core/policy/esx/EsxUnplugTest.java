package dev.memvisor.core.policy.esx;

import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.HotplugMemory;
import dev.memvisor.core.model.Plan;
import dev.memvisor.core.model.VmPlan;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.model.VmView;
import dev.memvisor.core.policy.PolicyConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.memvisor.core.unit.Size.GIB;
import static dev.memvisor.core.unit.Size.MIB;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * esx with a virtio-mem device: a reclaim starts as a balloon; once the balloon has held at least a block
 * at every decision for esxUnplugAfter, its whole blocks are unplugged; growing past what is plugged plugs.
 */
class EsxUnplugTest {
    private static final long BLOCK = 128 * MIB;

    /** A VM booted with 2G and 2G plugged of a 2G region (4G configured), all of it in use, with this balloon. */
    private static VmView vm(long plugged, long balloon) {
        VmSettings s = VmSettings.of("hot", 4 * GIB);
        HotplugMemory h = new HotplugMemory(2 * GIB, BLOCK, 2 * GIB, plugged, plugged);
        long present = 2 * GIB + plugged - balloon;
        return new VmView(s, present, present, balloon, 0, 0, present, 0, present, h, VmView.UNKNOWN);
    }

    /** Two such VMs on a host with room for 6G of them and 2 % free (soft): each must give up 1G. */
    private static HostView host(long t, VmView a) {
        VmView b = new VmView(VmSettings.of("other", 4 * GIB), 4 * GIB, 4 * GIB, 0, 0, 0, 4 * GIB, 0, 4 * GIB);
        return new HostView(t, 6 * GIB, (long) (0.03 * 6 * GIB), 0, List.of(a, b));
    }

    @Test
    void aLastingBalloonOfWholeBlocksIsUnplugged() {
        EsxPolicy esx = new EsxPolicy(PolicyConfig.builder().idleTax(0).esxUnplugAfter(Duration.ofSeconds(60)).build());
        VmPlan first = esx.decide(host(0, vm(2 * GIB, 0))).vm("hot").orElseThrow();
        assertThat(first.targetBytes()).isEqualTo(3 * GIB);
        assertThat(first.pluggedTargetBytes()).as("the device keeps its memory at first").isEqualTo(2 * GIB);
        assertThat(first.balloonTargetBytes()).isEqualTo(GIB);
        // the balloon inflated; 59 s later it still holds a gigabyte: not yet lasting
        Plan at59 = esx.decide(host(59_000, vm(2 * GIB, GIB)));
        assertThat(at59.vm("hot").orElseThrow().pluggedTargetBytes()).isEqualTo(2 * GIB);
        // 60 s: its 8 whole blocks are unplugged and the balloon deflates
        VmPlan at60 = esx.decide(host(60_000, vm(2 * GIB, GIB))).vm("hot").orElseThrow();
        assertThat(at60.pluggedTargetBytes()).isEqualTo(GIB);
        assertThat(at60.balloonTargetBytes()).isZero();
        assertThat(at60.reason()).contains("balloon 1G held 60 s: unplug 1G");
    }

    @Test
    void withoutTheRuleOnlyWhatTheBalloonCannotHoldIsUnplugged() {
        EsxPolicy esx = new EsxPolicy(PolicyConfig.builder().idleTax(0).esxUnplugAfter(Duration.ZERO).build());
        esx.decide(host(0, vm(2 * GIB, 0)));
        VmPlan later = esx.decide(host(3_600_000, vm(2 * GIB, GIB))).vm("hot").orElseThrow();
        assertThat(later.pluggedTargetBytes()).isEqualTo(2 * GIB);
        assertThat(later.balloonTargetBytes()).isEqualTo(GIB);
    }

    @Test
    void roomOnTheHostPlugsTheVmBackUpToItsAllocation() {
        EsxPolicy esx = new EsxPolicy(PolicyConfig.builder().idleTax(0).build());
        // high state, the other VM gone: the VM with 1G unplugged gets its configured 4G back by plugging
        HostView roomy = new HostView(0, 16 * GIB, 12 * GIB, 0, List.of(vm(GIB, 0)));
        VmPlan p = esx.decide(roomy).vm("hot").orElseThrow();
        assertThat(p.pluggedTargetBytes()).isEqualTo(2 * GIB);
        assertThat(p.balloonTargetBytes()).isZero();
    }
}
