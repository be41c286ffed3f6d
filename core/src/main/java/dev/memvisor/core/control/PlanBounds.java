package dev.memvisor.core.control;

import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.HotplugMemory;
import dev.memvisor.core.model.Plan;
import dev.memvisor.core.model.VmPlan;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.model.VmView;
import dev.memvisor.core.unit.Size;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one home of the rules that bound every plan, whatever the policy and whatever the host:
 * <ul>
 *   <li>target in [reservation, min(limit, configured)];</li>
 *   <li>plugged memory (a VM with a virtio-mem device): whole blocks, within the device's region, with
 *       boot + plugged at least the reservation (rounded up to a block) and at most min(limit, configured)
 *       (rounded down); where a reservation and a limit fall in one block the reservation wins and the
 *       balloon keeps the guest under the limit. A plan for a VM without a device plugs nothing;</li>
 *   <li>balloon at most min(maxBalloonFraction x present, present - reservation), where present is the
 *       configured memory, or boot + plugged memory with a device (ESX: a balloon holds at most 65 % of a
 *       VM, and never reaches into its reservation), at most the boot memory with a device (QEMU's
 *       balloon works within it), and 0 without a driver;</li>
 *   <li>balloon at least present - limit, as far as that cap allows: a limit below the present memory is
 *       enforced by the balloon first (the guest chooses what to give up), by host swap for the rest;</li>
 *   <li>host swap target at most configured - reservation (a reservation is never swapped).</li>
 * </ul>
 * Sources: Waldspurger, OSDI 2002, sections 3.2 (reservation, limit), 3.3 (balloon limits) and 4.1;
 * QEMU docs/system/devices/virtio-mem.rst (block granularity).
 */
public final class PlanBounds {
    private final double maxBalloonFraction;

    /** Bounds with this balloon cap (a fraction of configured memory in (0, 1]). */
    public PlanBounds(double maxBalloonFraction) {
        if (!(maxBalloonFraction > 0 && maxBalloonFraction <= 1)) {
            throw new IllegalArgumentException("maxBalloonFraction must be in (0, 1], got " + maxBalloonFraction);
        }
        this.maxBalloonFraction = maxBalloonFraction;
    }

    /** The largest balloon this VM (without a virtio-mem device) may have. */
    public long balloonCapBytes(VmSettings s) {
        return balloonCap(s, s.configuredBytes(), s.configuredBytes());
    }

    /** The smallest balloon this VM (without a virtio-mem device) may have: what its limit keeps out of its configured memory, within the cap. */
    public long balloonFloorBytes(VmSettings s) {
        return Math.min(balloonCapBytes(s), Math.max(0, s.configuredBytes() - s.ceilingBytes()));
    }

    /** The largest balloon of a VM with {@code presentBytes} in it, of which the balloon may take at most {@code balloonableBytes}. */
    private long balloonCap(VmSettings s, long presentBytes, long balloonableBytes) {
        if (!s.ballooning()) return 0;
        long cap = Math.min((long) (presentBytes * maxBalloonFraction), presentBytes - s.reservationBytes());
        return Math.max(0, Math.min(cap, balloonableBytes));
    }

    /** The smallest plugged size of a VM with this device: boot memory and plugged memory reach the reservation. */
    public static long pluggedFloorBytes(VmSettings s, HotplugMemory h) {
        return h.roundUp(s.reservationBytes() - h.bootBytes());
    }

    /** The largest plugged size of a VM with this device: within the limit, and at least the floor (the reservation wins within a block). */
    public static long pluggedCapBytes(VmSettings s, HotplugMemory h) {
        return Math.max(pluggedFloorBytes(s, h), h.roundDown(s.ceilingBytes() - h.bootBytes()));
    }

    /** One VM's plan (a VM without a virtio-mem device) within its bounds; the reason is kept. */
    public VmPlan bound(VmSettings s, VmPlan p) {
        return bound(s, null, p);
    }

    /** One VM's plan within its bounds, its virtio-mem device (if any) as the view shows it; the reason is kept. */
    public VmPlan bound(VmView v, VmPlan p) {
        return bound(v.settings(), v.hotplug(), p);
    }

    private VmPlan bound(VmSettings s, HotplugMemory h, VmPlan p) {
        if (!p.name().equals(s.name())) throw new IllegalArgumentException("plan for " + p.name() + " bounded with settings of " + s.name());
        long target = clamp(p.targetBytes(), s.reservationBytes(), s.ceilingBytes());
        long plugged = VmPlan.KEEP;
        long present = s.configuredBytes(), balloonable = s.configuredBytes();
        if (h != null) {
            if (p.pluggedTargetBytes() != VmPlan.KEEP) {
                plugged = clamp(h.roundUp(p.pluggedTargetBytes()), pluggedFloorBytes(s, h), pluggedCapBytes(s, h));
            }
            present = h.bootBytes() + (plugged == VmPlan.KEEP ? h.requestedBytes() : plugged);
            balloonable = h.bootBytes();
        }
        long cap = balloonCap(s, present, balloonable);
        long floor = Math.min(cap, Math.max(0, present - s.ceilingBytes()));
        long balloon = clamp(p.balloonTargetBytes(), floor, cap);
        long swap = clamp(p.swapTargetBytes(), 0, s.configuredBytes() - s.reservationBytes());
        if (target == p.targetBytes() && balloon == p.balloonTargetBytes() && swap == p.swapTargetBytes()
                && plugged == p.pluggedTargetBytes()) return p;
        return new VmPlan(p.name(), target, balloon, swap, p.compressionAllowed(), p.blockAllocations(), p.reason(), plugged, p.throttle());
    }

    /**
     * The whole plan within bounds, one VM plan per VM of the view, in the view's order.
     *
     * @throws IllegalStateException when the plan has no entry for a VM of the view (a policy bug)
     */
    public Plan bound(HostView view, Plan plan) {
        Map<String, VmPlan> byName = plan.byName();
        List<VmPlan> out = new ArrayList<>(view.vms().size());
        for (VmView v : view.vms()) {
            VmPlan p = byName.get(v.name());
            if (p == null) throw new IllegalStateException("the plan has no entry for VM " + v.name());
            out.add(bound(v, p));
        }
        return new Plan(plan.timeMillis(), plan.state(), plan.sharingScanPagesPerSecond(), out);
    }

    /**
     * What bounding changed in a VM's plan, for a log line, or {@code null} when nothing changed,
     * e.g. {@code plan asked for balloon 3G, kept at 2.6G (cap 65 % of 4G, reservation 1G, limit 4G)}.
     */
    public String describe(VmSettings s, VmPlan asked, VmPlan bounded) {
        List<String> parts = new ArrayList<>();
        if (asked.pluggedTargetBytes() != bounded.pluggedTargetBytes()) {
            parts.add(bounded.pluggedTargetBytes() == VmPlan.KEEP ? "plugged " + Size.format(asked.pluggedTargetBytes()) + ", no virtio-mem device"
                    : "plugged " + Size.format(asked.pluggedTargetBytes()) + ", kept at " + Size.format(bounded.pluggedTargetBytes()));
        }
        if (asked.balloonTargetBytes() != bounded.balloonTargetBytes()) {
            parts.add("balloon " + Size.format(asked.balloonTargetBytes()) + ", kept at " + Size.format(bounded.balloonTargetBytes()));
        }
        if (asked.targetBytes() != bounded.targetBytes()) {
            parts.add("target " + Size.format(asked.targetBytes()) + ", kept at " + Size.format(bounded.targetBytes()));
        }
        if (asked.swapTargetBytes() != bounded.swapTargetBytes()) {
            parts.add("swap " + Size.format(asked.swapTargetBytes()) + ", kept at " + Size.format(bounded.swapTargetBytes()));
        }
        if (parts.isEmpty()) return null;
        return "plan asked for " + String.join("; ", parts) + " (" + (s.ballooning()
                ? "balloon cap " + Math.round(maxBalloonFraction * 100) + " % of " + Size.format(s.configuredBytes()) : "no balloon driver")
                + ", reservation " + Size.format(s.reservationBytes()) + ", limit " + Size.format(s.ceilingBytes()) + ")";
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
