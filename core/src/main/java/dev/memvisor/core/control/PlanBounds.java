package dev.memvisor.core.control;

import dev.memvisor.core.model.HostView;
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
 *   <li>balloon at most min(maxBalloonFraction x configured, configured - reservation) (ESX: a balloon
 *       holds at most 65 % of a VM, and never reaches into its reservation), and 0 without a driver;</li>
 *   <li>balloon at least configured - limit, as far as that cap allows: a limit below the configured
 *       size is enforced by the balloon first (the guest chooses what to give up), by host swap for the rest;</li>
 *   <li>host swap target at most configured - reservation (a reservation is never swapped).</li>
 * </ul>
 * Source: Waldspurger, OSDI 2002, sections 3.2 (reservation, limit), 3.3 (balloon limits) and 4.1.
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

    /** The largest balloon this VM may have. */
    public long balloonCapBytes(VmSettings s) {
        if (!s.ballooning()) return 0;
        return Math.max(0, Math.min((long) (s.configuredBytes() * maxBalloonFraction), s.configuredBytes() - s.reservationBytes()));
    }

    /** The smallest balloon this VM may have: what its limit keeps out of its configured memory, within the cap. */
    public long balloonFloorBytes(VmSettings s) {
        return Math.min(balloonCapBytes(s), Math.max(0, s.configuredBytes() - s.ceilingBytes()));
    }

    /** One VM's plan within its bounds; the reason is kept. */
    public VmPlan bound(VmSettings s, VmPlan p) {
        if (!p.name().equals(s.name())) throw new IllegalArgumentException("plan for " + p.name() + " bounded with settings of " + s.name());
        long target = clamp(p.targetBytes(), s.reservationBytes(), s.ceilingBytes());
        long balloon = clamp(p.balloonTargetBytes(), balloonFloorBytes(s), balloonCapBytes(s));
        long swap = clamp(p.swapTargetBytes(), 0, s.configuredBytes() - s.reservationBytes());
        if (target == p.targetBytes() && balloon == p.balloonTargetBytes() && swap == p.swapTargetBytes()) return p;
        return new VmPlan(p.name(), target, balloon, swap, p.compressionAllowed(), p.blockAllocations(), p.reason());
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
            out.add(bound(v.settings(), p));
        }
        return new Plan(plan.timeMillis(), plan.state(), plan.sharingScanPagesPerSecond(), out);
    }

    /**
     * What bounding changed in a VM's plan, for a log line, or {@code null} when nothing changed,
     * e.g. {@code plan asked for balloon 3G, kept at 2.6G (cap 65 % of 4G, reservation 1G, limit 4G)}.
     */
    public String describe(VmSettings s, VmPlan asked, VmPlan bounded) {
        List<String> parts = new ArrayList<>();
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
