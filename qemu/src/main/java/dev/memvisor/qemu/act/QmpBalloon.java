package dev.memvisor.qemu.act;

import dev.memvisor.core.control.Action;
import dev.memvisor.core.unit.Size;

/**
 * How a {@link Action.Balloon} becomes QEMU's {@code balloon} command, whose {@code value} is the
 * memory the guest should have (its configured size less the balloon), in bytes (QEMU qapi/machine.json,
 * "balloon"). The value is rounded up to a whole MiB, so the balloon is never larger than the action
 * asked for (the action is already within {@code PlanBounds}: never into the reservation, at most the
 * balloon cap) and a change smaller than a MiB is not sent to the guest again.
 */
public final class QmpBalloon {
    private QmpBalloon() {}

    /** The guest memory to ask QEMU for: {@code configured - balloon}, rounded up to a MiB, at most {@code configured}. */
    public static long guestBytes(long configuredBytes, long balloonBytes) {
        if (balloonBytes < 0 || balloonBytes > configuredBytes) {
            throw new IllegalArgumentException("balloon " + balloonBytes + " outside [0, configured " + configuredBytes + "]");
        }
        long guest = configuredBytes - balloonBytes;
        long up = (guest + Size.MIB - 1) / Size.MIB * Size.MIB;
        return Math.min(configuredBytes, up);
    }
}
