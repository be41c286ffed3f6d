package dev.memvisor.qemu.act;

import dev.memvisor.core.model.VmPlan;
import dev.memvisor.core.model.VmSettings;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Whatever a plan asks, the balloon value stays within the VM's reservation and limit. */
class BalloonTargetTest {
    private static final long MIB = 1L << 20;

    @Property
    void neverBelowReservationNorAboveLimit(@ForAll @LongRange(min = 64, max = 65536) long configuredMib,
                                            @ForAll @LongRange(min = 0, max = 1000) long reservationPermille,
                                            @ForAll @LongRange(min = 0, max = 1000) long limitPermille,
                                            @ForAll @LongRange(min = 0, max = 1L << 40) long balloonTarget,
                                            @ForAll boolean ballooning) {
        long configured = configuredMib * MIB + 12345;
        long limit = Math.max(configured * limitPermille / 1000, 1);
        long reservation = Math.min(limit, configured * reservationPermille / 1000);
        VmSettings s = new VmSettings("vm", configured, reservation, limit, 1000, ballooning);
        long v = BalloonTarget.guestBytes(s, new VmPlan("vm", 0, balloonTarget, 0, false, false, "any"));
        assertThat(v).isBetween(reservation, s.ceilingBytes());
        assertThat(v == reservation || v % MIB == 0).isTrue();
    }

    @Test
    void handWorkedCases() {
        VmSettings s = new VmSettings("vm", 256 * MIB, 64 * MIB, 200 * MIB, 1000, true);
        assertThat(BalloonTarget.guestBytes(s, plan(100 * MIB))).isEqualTo(156 * MIB);
        assertThat(BalloonTarget.guestBytes(s, plan(0))).as("limit").isEqualTo(200 * MIB);
        assertThat(BalloonTarget.guestBytes(s, plan(250 * MIB))).as("reservation").isEqualTo(64 * MIB);
        assertThat(BalloonTarget.clamped(s, plan(250 * MIB))).isTrue();
        assertThat(BalloonTarget.clamped(s, plan(100 * MIB))).isFalse();
        assertThat(BalloonTarget.guestBytes(s.withBallooning(false), plan(100 * MIB))).isEqualTo(200 * MIB);
    }

    private static VmPlan plan(long balloon) {
        return new VmPlan("vm", 0, balloon, 0, false, false, "test");
    }
}
