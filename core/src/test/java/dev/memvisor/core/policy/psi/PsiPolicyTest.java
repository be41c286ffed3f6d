package dev.memvisor.core.policy.psi;

import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.Plan;
import dev.memvisor.core.model.VmPlan;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.model.VmView;
import dev.memvisor.core.policy.PolicyConfig;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.memvisor.core.unit.Size.GIB;
import static dev.memvisor.core.unit.Size.MIB;
import static org.assertj.core.api.Assertions.assertThat;

/** senpai's control law over VM views: hand-worked steps, the shares split, and what pressure does to the limit. */
class PsiPolicyTest {
    private static final PolicyConfig SENPAI = PolicyConfig.defaults();

    /** A 4G VM holding {@code held}, reservation 512M, with this stall total. */
    private static VmView vm(String name, long held, long stallMicros) {
        VmSettings s = VmSettings.of(name, 4 * GIB).withReservation(512 * MIB);
        return new VmView(s, held, held, 0, 0, 0, held / 2, VmView.UNKNOWN, VmView.UNKNOWN).withMemoryStallMicros(stallMicros);
    }

    private static HostView host(long t, VmView... vms) {
        return new HostView(t, 64 * GIB, 32 * GIB, 0, List.of(vms));
    }

    private static VmPlan plan(PsiPolicy p, long t, VmView vm) {
        return p.decide(host(t, vm)).vms().get(0);
    }

    @Test
    void senpaisStepsWorkedByHand() {
        // senpai's defaults, but a largest probe of 10 % so a back-off stays under the ceiling
        PsiPolicy p = new PsiPolicy(PolicyConfig.builder().psiMaxProbe(0.1).build());
        // starts unlimited, at the VM's 4G ceiling
        assertThat(plan(p, 0, vm("a", 2 * GIB, 0)).targetBytes()).isEqualTo(4 * GIB);
        // 5 s later (under the 6 s interval), no stall: holds
        assertThat(plan(p, 5_000, vm("a", 2 * GIB, 0)).targetBytes()).isEqualTo(4 * GIB);
        // 6 s: no stall at all, err = 10000 / 1: the full 10 % probe
        long probed = (long) (4 * GIB - 4 * GIB * 0.1) & ~4095L;
        VmPlan at6 = plan(p, 6_000, vm("a", 2 * GIB, 0));
        assertThat(at6.targetBytes()).isEqualTo(probed);
        assertThat(at6.reason()).contains("probe -10.00%");
        assertThat(at6.throttle()).isTrue();
        assertThat(at6.balloonTargetBytes()).isZero();
        // 40 ms of stall by the next decision, 4x the 10 ms target: back off (4 / 20)^2 x 1.0 = 4 %
        VmPlan back = plan(p, 7_000, vm("a", 2 * GIB, 40_000));
        assertThat(back.targetBytes()).isEqualTo((long) (probed + probed * 0.04) & ~4095L);
        assertThat(back.reason()).contains("back off +4.00%");
        // 9 ms over the next 6 s: under the target, err = 10/9, probe (1.11 / 10)^2 x 10 % = 0.123 %
        VmPlan small = plan(p, 13_000, vm("a", 2 * GIB, 49_000));
        assertThat(small.targetBytes()).isEqualTo((long) (back.targetBytes() - back.targetBytes() * Math.pow(10.0 / 9 / 10, 2) * 0.1) & ~4095L);
        assertThat(small.reason()).contains("probe -0.12%");
    }

    @Test
    void aVmWithoutAPressureSignalKeepsItsCeiling() {
        VmView blind = new VmView(VmSettings.of("b", 4 * GIB), GIB, GIB, 0, 0, 0, GIB, VmView.UNKNOWN, VmView.UNKNOWN);
        VmPlan p = new PsiPolicy(SENPAI).decide(host(0, blind)).vms().get(0);
        assertThat(p.targetBytes()).isEqualTo(4 * GIB);
        assertThat(p.reason()).contains("no memory pressure observed");
    }

    @Test
    void whenTheLimitsDoNotFitSharesSplitWhatThereIs() {
        PsiPolicy p = new PsiPolicy(SENPAI);
        VmView a = vm("a", 3 * GIB, 0), b = new VmView(VmSettings.of("b", 4 * GIB).withShares(4 * VmSettings.of("b", 4 * GIB).shares()),
                3 * GIB, 3 * GIB, 0, 0, 0, 3 * GIB / 2, VmView.UNKNOWN, VmView.UNKNOWN).withMemoryStallMicros(0);
        Plan plan = p.decide(new HostView(0, 4 * GIB, 0, 0, List.of(a, b)));
        assertThat(plan.vms().stream().mapToLong(VmPlan::targetBytes).sum()).isLessThanOrEqualTo(4 * GIB);
        assertThat(plan.vm("b").orElseThrow().targetBytes()).as("four times the shares").isGreaterThan(plan.vm("a").orElseThrow().targetBytes());
        assertThat(plan.vm("a").orElseThrow().reason()).contains("by shares");
    }

    /** Pressure never lowers the limit, its absence never raises it, and the limit stays within [reservation, ceiling]. */
    @Property
    void pressureOnlyBacksOffAndQuietOnlyProbes(@ForAll @LongRange(min = 64, max = 4096) long heldMib,
                                                @ForAll @IntRange(min = 1, max = 40) int steps,
                                                @ForAll @LongRange(min = 0, max = 200_000) long stallPerStep,
                                                @ForAll @IntRange(min = 500, max = 10_000) int stepMillis) {
        PsiPolicy p = new PsiPolicy(SENPAI);
        long stall = 0, t = 0, last = plan(p, 0, vm("a", heldMib * MIB, 0)).targetBytes();
        for (int i = 0; i < steps; i++) {
            t += stepMillis;
            stall += stallPerStep;
            long now = plan(p, t, vm("a", heldMib * MIB, stall)).targetBytes();
            assertThat(now).isBetween(512 * MIB, 4 * GIB);
            if (stallPerStep == 0) assertThat(now).isLessThanOrEqualTo(last);
            if (stallPerStep > SENPAI.psiStallTarget().toNanos() / 1000) assertThat(now).isGreaterThanOrEqualTo(last);
            last = now;
        }
    }

    @Test
    void aRestartedVmStartsAgainUnlimited() {
        PsiPolicy p = new PsiPolicy(PolicyConfig.builder().psiInterval(Duration.ofSeconds(1)).psiMaxProbe(0.5).build());
        plan(p, 0, vm("a", 2 * GIB, 1_000_000));
        assertThat(plan(p, 1_000, vm("a", 2 * GIB, 1_000_000)).targetBytes()).isEqualTo(2 * GIB);
        // the stall total went back: a new QEMU
        assertThat(plan(p, 2_000, vm("a", 3 * GIB, 5)).targetBytes()).isEqualTo(4 * GIB);
    }
}
