package dev.memvisor.qemu.act;

import dev.memvisor.core.model.VmPlan;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.unit.Size;

/**
 * The guest memory to ask QEMU's balloon for: the configured size less the plan's balloon,
 * always within [reservation, min(limit, configured)] whatever the plan says, rounded down to a
 * MiB (never below the reservation). A VM without ballooning keeps all its memory.
 */
public final class BalloonTarget {
    private BalloonTarget() {}

    /** The value for QMP {@code balloon} (bytes of guest memory). */
    public static long guestBytes(VmSettings s, VmPlan plan) {
        long want = s.ballooning() ? s.configuredBytes() - plan.balloonTargetBytes() : s.configuredBytes();
        long bounded = Math.max(s.reservationBytes(), Math.min(s.ceilingBytes(), want));
        return Math.max(s.reservationBytes(), bounded / Size.MIB * Size.MIB);
    }

    /** Whether the plan asked for something outside the VM's reservation and limit. */
    public static boolean clamped(VmSettings s, VmPlan plan) {
        long want = s.ballooning() ? s.configuredBytes() - plan.balloonTargetBytes() : s.configuredBytes();
        return want < s.reservationBytes() || want > s.ceilingBytes();
    }
}
