package dev.memvisor.core.control;

import dev.memvisor.core.model.HostMemoryState;
import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.Plan;
import dev.memvisor.core.model.VmPlan;
import dev.memvisor.core.model.VmSettings;
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
                                         @ForAll @DoubleRange(min = 0.05, max = 1.0) double maxBalloon) {
        // the worst a policy could ask: the same arbitrary size for every field of every VM
        List<VmPlan> raw = h.vms().stream().map(v -> new VmPlan(v.name(), mib * MIB, mib * MIB, mib * MIB, true, true, "raw")).toList();
        Plan bounded = new PlanBounds(maxBalloon).bound(h, new Plan(h.timeMillis(), HostMemoryState.HARD, 0, raw));
        assertWithinBounds(h, bounded, maxBalloon);
    }

    static void assertWithinBounds(HostView h, Plan bounded, double maxBalloon) {
        assertThat(bounded.vms()).hasSize(h.vms().size());
        for (int i = 0; i < h.vms().size(); i++) {
            VmSettings s = h.vms().get(i).settings();
            VmPlan p = bounded.vms().get(i);
            assertThat(p.name()).isEqualTo(s.name());
            assertThat(p.targetBytes()).isBetween(s.reservationBytes(), s.ceilingBytes());
            long cap = s.ballooning() ? Math.min((long) (s.configuredBytes() * maxBalloon), s.configuredBytes() - s.reservationBytes()) : 0;
            assertThat(p.balloonTargetBytes()).isBetween(Math.min(cap, s.configuredBytes() - s.ceilingBytes()), cap);
            assertThat(s.configuredBytes() - p.balloonTargetBytes()).as("the guest keeps its reservation").isGreaterThanOrEqualTo(s.reservationBytes());
            assertThat(p.swapTargetBytes()).isBetween(0L, s.configuredBytes() - s.reservationBytes());
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
    void aPlanMissingAVmIsAPolicyBug() {
        HostView h = new HostView(0, 8 * GIB, GIB, 0, List.of(dev.memvisor.core.model.VmView.fresh(VmSettings.of("a", GIB), 0)));
        assertThatThrownBy(() -> new PlanBounds(0.65).bound(h, new Plan(0, HostMemoryState.HIGH, 0, List.of())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no entry for VM a");
    }
}
