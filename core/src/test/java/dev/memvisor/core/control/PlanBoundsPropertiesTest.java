package dev.memvisor.core.control;

import dev.memvisor.core.model.HostMemoryState;
import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.HotplugMemory;
import dev.memvisor.core.model.Plan;
import dev.memvisor.core.model.VmPlan;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.model.VmView;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.policy.PolicyRegistry;
import dev.memvisor.core.policy.esx.HostGenerators;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.memvisor.core.unit.Size.GIB;
import static dev.memvisor.core.unit.Size.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one set of bounds, over random hosts, random raw plans and every policy. */
class PlanBoundsPropertiesTest {

    @Provide
    Arbitrary<HostView> hosts() { return HostGenerators.hosts(); }

    @Provide
    Arbitrary<String> policies() { return Arbitraries.of(PolicyRegistry.names()); }

    @Property
    void everyBoundedPlanKeepsTheRules(@ForAll("policies") String policy, @ForAll("hosts") HostView h,
                                       @ForAll @DoubleRange(min = 0.05, max = 1.0) double maxBalloon) {
        PlanBounds b = new PlanBounds(maxBalloon);
        Plan bounded = b.bound(h, PolicyRegistry.create(policy, PolicyConfig.defaults()).decide(h));
        assertWithinBounds(h, bounded, maxBalloon);
        assertThat(b.bound(h, bounded)).as("bounding is idempotent").isEqualTo(bounded);
    }

    @Property
    void anyRawPlanIsBroughtWithinBounds(@ForAll("hosts") HostView h, @ForAll @LongRange(min = 0, max = 64 * 1024) long mib,
                                         @ForAll @LongRange(min = -1, max = 64 * 1024) long plugMib,
                                         @ForAll @DoubleRange(min = 0.05, max = 1.0) double maxBalloon) {
        // the worst a policy could ask: the same arbitrary size for every field of every VM, and any plugged size (or none)
        long plug = plugMib < 0 ? VmPlan.KEEP : plugMib * MIB + plugMib % 3;
        List<VmPlan> raw = h.vms().stream().map(v -> new VmPlan(v.name(), mib * MIB, mib * MIB, mib * MIB, true, true, "raw", plug, false)).toList();
        PlanBounds b = new PlanBounds(maxBalloon);
        Plan bounded = b.bound(h, new Plan(h.timeMillis(), HostMemoryState.HARD, 0, raw));
        assertWithinBounds(h, bounded, maxBalloon);
        assertThat(b.bound(h, bounded)).as("bounding is idempotent").isEqualTo(bounded);
    }

    /** The plugged size asked for is kept when it is whole blocks within the bounds (bounding takes nothing it need not). */
    @Property
    void aPluggedSizeWithinTheBoundsIsKept(@ForAll("hosts") HostView h, @ForAll @DoubleRange(min = 0, max = 1) double where) {
        PlanBounds b = new PlanBounds(0.65);
        for (VmView v : h.vms()) {
            HotplugMemory d = v.hotplug();
            if (d == null) continue;
            long lo = PlanBounds.pluggedFloorBytes(v.settings(), d), hi = PlanBounds.pluggedCapBytes(v.settings(), d);
            long ask = d.roundDown(lo + (long) ((hi - lo) * where));
            ask = Math.max(lo, ask);
            VmPlan p = new VmPlan(v.name(), v.settings().ceilingBytes(), 0, 0, false, false, "ask", ask, false);
            assertThat(b.bound(v, p).pluggedTargetBytes()).isEqualTo(ask);
        }
    }

    static void assertWithinBounds(HostView h, Plan bounded, double maxBalloon) {
        assertThat(bounded.vms()).hasSize(h.vms().size());
        for (int i = 0; i < h.vms().size(); i++) {
            VmView v = h.vms().get(i);
            VmSettings s = v.settings();
            VmPlan p = bounded.vms().get(i);
            assertThat(p.name()).isEqualTo(s.name());
            assertThat(p.targetBytes()).isBetween(s.reservationBytes(), s.ceilingBytes());
            assertThat(p.swapTargetBytes()).isBetween(0L, s.configuredBytes() - s.reservationBytes());
            HotplugMemory d = v.hotplug();
            if (d == null) {
                assertThat(p.pluggedTargetBytes()).as("a VM without a device plugs nothing").isEqualTo(VmPlan.KEEP);
                long cap = s.ballooning() ? Math.min((long) (s.configuredBytes() * maxBalloon), s.configuredBytes() - s.reservationBytes()) : 0;
                assertThat(p.balloonTargetBytes()).isBetween(Math.min(cap, s.configuredBytes() - s.ceilingBytes()), cap);
                assertThat(s.configuredBytes() - p.balloonTargetBytes()).as("the guest keeps its reservation").isGreaterThanOrEqualTo(s.reservationBytes());
                continue;
            }
            long plugged = p.pluggedTargetBytes() == VmPlan.KEEP ? d.requestedBytes() : p.pluggedTargetBytes();
            if (p.pluggedTargetBytes() != VmPlan.KEEP) {
                assertThat(plugged % d.blockBytes()).as("whole blocks of " + d.blockBytes()).isZero();
                assertThat(plugged).as("within the device's region").isBetween(0L, d.maxPluggedBytes());
                // boot + plugged reaches the reservation (as far as the region goes), and stays within the limit
                // unless the reservation and the limit fall in one block, where the reservation wins
                long least = Math.min(d.maxPluggedBytes(), Math.max(0, s.reservationBytes() - d.bootBytes()));
                assertThat(plugged).as("plugged covers the reservation").isGreaterThanOrEqualTo(least);
                long mostPresent = Math.max(s.ceilingBytes(), d.bootBytes() + d.roundUp(s.reservationBytes() - d.bootBytes()));
                assertThat(d.bootBytes() + plugged).as("boot + plugged within the limit").isLessThanOrEqualTo(Math.max(mostPresent, d.bootBytes()));
            }
            long present = d.bootBytes() + plugged;
            long cap = s.ballooning() ? Math.max(0, Math.min(Math.min((long) (present * maxBalloon), present - s.reservationBytes()), d.bootBytes())) : 0;
            assertThat(p.balloonTargetBytes()).as("balloon within its cap (at most the boot memory)").isBetween(Math.min(cap, Math.max(0, present - s.ceilingBytes())), cap);
            if (present >= s.reservationBytes()) {
                assertThat(present - p.balloonTargetBytes()).as("the guest keeps its reservation").isGreaterThanOrEqualTo(s.reservationBytes());
            }
        }
    }

    @Test
    void aLimitIsEnforcedByTheBalloonAsFarAsItsCapAllows() {
        PlanBounds b = new PlanBounds(0.65);
        VmSettings s = VmSettings.of("web", 4 * GIB).withLimit(2 * GIB);
        VmPlan nothing = new VmPlan("web", 4 * GIB, 0, 0, false, false, "configured");
        assertThat(b.bound(s, nothing).balloonTargetBytes()).isEqualTo(2 * GIB);
        assertThat(b.bound(s, nothing).targetBytes()).isEqualTo(2 * GIB);
        // a limit of 1G would need a 3G balloon, more than 65 % of 4G: the cap wins, host swap does the rest
        assertThat(b.bound(s.withLimit(GIB), nothing).balloonTargetBytes()).isEqualTo((long) (4 * GIB * 0.65));
    }

    @Test
    void theBalloonNeverReachesIntoTheReservationNorExistsWithoutADriver() {
        PlanBounds b = new PlanBounds(0.65);
        VmSettings s = VmSettings.of("db", 4 * GIB).withReservation(3 * GIB);
        VmPlan squeeze = new VmPlan("db", 0, 4 * GIB, 4 * GIB, true, true, "squeeze");
        VmPlan r = b.bound(s, squeeze);
        assertThat(r.balloonTargetBytes()).isEqualTo(GIB);
        assertThat(r.swapTargetBytes()).isEqualTo(GIB);
        assertThat(r.targetBytes()).isEqualTo(3 * GIB);
        assertThat(b.bound(s.withBallooning(false), squeeze).balloonTargetBytes()).isZero();
        assertThat(b.describe(s, squeeze, r)).isEqualTo("plan asked for balloon 4G, kept at 1G; target 0, kept at 3G; swap 4G, kept at 1G"
                + " (balloon cap 65 % of 4G, reservation 3G, limit 4G)");
        assertThat(b.describe(s, r, r)).isNull();
    }

    @Test
    void pluggedMemoryIsWholeBlocksBetweenReservationAndLimitAndTheBalloonStaysInTheBootMemory() {
        PlanBounds b = new PlanBounds(0.65);
        // boot 1G, a 3G region of 128M blocks; reservation 1100M and limit 1120M fall in the same block above boot
        VmSettings s = VmSettings.of("hot", 4 * GIB).withReservation(1100 * MIB).withLimit(1120 * MIB);
        HotplugMemory d = new HotplugMemory(GIB, 128 * MIB, 3 * GIB, 0, 0);
        VmView v = new VmView(s, GIB, GIB, 0, 0, 0, GIB, VmView.UNKNOWN, VmView.UNKNOWN, d, VmView.UNKNOWN);
        VmPlan none = b.bound(v, new VmPlan("hot", GIB, 0, 0, false, false, "ask", 0, false));
        assertThat(none.pluggedTargetBytes()).as("the reservation wins: one block").isEqualTo(128 * MIB);
        assertThat(none.balloonTargetBytes()).as("the balloon keeps the guest under its limit").isEqualTo(GIB + 128 * MIB - 1120 * MIB);
        VmPlan all = b.bound(v, new VmPlan("hot", GIB, 0, 0, false, false, "ask", 3 * GIB, false));
        assertThat(all.pluggedTargetBytes()).isEqualTo(128 * MIB);
        // without a limit: 300M asked is rounded up to three blocks; a 3G balloon is held to 65 % of 1G + 384M, under the boot memory
        VmView free = v.withHotplug(d);
        VmSettings open = VmSettings.of("hot", 4 * GIB);
        VmView w = new VmView(open, GIB, GIB, 0, 0, 0, GIB, VmView.UNKNOWN, VmView.UNKNOWN, d, VmView.UNKNOWN);
        VmPlan p = b.bound(w, new VmPlan("hot", GIB, 3 * GIB, 0, false, false, "ask", 300 * MIB, false));
        assertThat(p.pluggedTargetBytes()).isEqualTo(384 * MIB);
        assertThat(p.balloonTargetBytes()).isEqualTo((long) ((GIB + 384 * MIB) * 0.65));
        assertThat(free.presentBytes()).isEqualTo(GIB);
        // a plan that plugs memory into a VM without a device plugs nothing
        VmPlan plain = b.bound(VmView.fresh(open, 0), new VmPlan("hot", GIB, 0, 0, false, false, "ask", GIB, false));
        assertThat(plain.pluggedTargetBytes()).isEqualTo(VmPlan.KEEP);
        assertThat(b.describe(open, new VmPlan("hot", GIB, 0, 0, false, false, "ask", GIB, false), plain)).startsWith("plan asked for plugged 1G, no virtio-mem device");
    }

    @Test
    void aPlanMissingAVmIsAPolicyBug() {
        HostView h = new HostView(0, 8 * GIB, GIB, 0, List.of(VmView.fresh(VmSettings.of("a", GIB), 0)));
        assertThatThrownBy(() -> new PlanBounds(0.65).bound(h, new Plan(0, HostMemoryState.HIGH, 0, List.of())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no entry for VM a");
    }
}
