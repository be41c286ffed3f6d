package dev.memvisor.core.policy.mom;

import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.Plan;
import dev.memvisor.core.model.VmPlan;
import dev.memvisor.core.model.VmView;
import dev.memvisor.core.policy.GuestUsage;
import dev.memvisor.core.policy.MemorySplit;
import dev.memvisor.core.policy.MemoryPolicy;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.policy.PolicyName;
import dev.memvisor.core.state.HostStateMachine;
import dev.memvisor.core.unit.Size;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * oVirt MOM's default balloon rules (github oVirt/mom, {@code doc/balloon.rules}): when host free
 * memory is under 20 %, every guest shrinks 5 % a step but not below its used memory plus a free
 * reserve (20 % of its size, scaled down with host free memory; negative when host free memory is
 * critical, at 5 %); otherwise every ballooned guest grows 5 % a step up to its maximum; changes
 * under 0.25 % of the guest are skipped. Mapping: balloon_cur = configured less balloon,
 * balloon_max = min(limit, configured). Deviation: MOM floors a shrink at min(guaranteed, used +
 * reserve); here the reservation is a hard floor, so the floor is max(reservation, used + reserve).
 */
@PolicyName("mom")
public final class MomPolicy implements MemoryPolicy {
    private final PolicyConfig config;

    /** Creates the policy (stateless: one step per call). */
    public MomPolicy(PolicyConfig config) {
        this.config = config;
    }

    @Override
    public Plan decide(HostView view) {
        double hostFree = view.freeFraction();
        boolean pressure = hostFree < config.momPressureThreshold();
        double guestFree = config.momMinGuestFreeFraction();
        if (pressure) {
            guestFree = hostFree <= config.momPressureCritical() ? hostFree - 0.05
                    : config.momMinGuestFreeFraction() * (hostFree / config.momPressureThreshold());
        }
        List<VmPlan> plans = new ArrayList<>(view.vms().size());
        for (VmView vm : view.vms()) plans.add(pressure ? shrink(vm, guestFree) : grow(vm));
        return new Plan(view.timeMillis(), HostStateMachine.stateless(hostFree, config.thresholdsFor(view.machineBytes())), 0, plans);
    }

    private VmPlan shrink(VmView vm, double guestFree) {
        if (!vm.settings().ballooning()) return unchanged(vm, "no balloon driver: left alone");
        long cur = current(vm);
        long floor = Math.max(vm.settings().reservationBytes(),
                (long) (GuestUsage.usedBytes(vm) + guestFree * cur));
        long size = Math.max((long) (cur * (1 - config.momStepFraction())), floor);
        if (size <= cur && bigEnough(cur, size)) {
            String why = size == floor ? "floor: used + " + pct(guestFree) + " free" : "step -" + pct(config.momStepFraction());
            return plan(vm, Math.min(size, vm.settings().ceilingBytes()), "host under pressure, shrink (" + why + ")");
        }
        return unchanged(vm, "host under pressure, at floor " + Size.format(floor));
    }

    private VmPlan grow(VmView vm) {
        if (!vm.settings().ballooning()) return unchanged(vm, "no balloon driver: left alone");
        long cur = current(vm);
        long max = vm.settings().ceilingBytes();
        if (cur >= max) return unchanged(vm, "at maximum " + Size.format(max));
        long floor = (long) (GuestUsage.usedBytes(vm) + config.momMinGuestFreeFraction() * cur);
        long size = Math.max(Math.min((long) (cur * (1 + config.momStepFraction())), max), floor);
        size = Math.max(vm.settings().reservationBytes(), Math.min(size, max));
        if (bigEnough(cur, size)) return plan(vm, size, "host has room, grow (step +" + pct(config.momStepFraction()) + ")");
        return unchanged(vm, "change under " + pct(config.momMinChangeFraction()) + ": skipped");
    }

    /** balloon_cur: the visible size, capped by a limit below the configured size. */
    private static long current(VmView vm) {
        return Math.max(vm.settings().reservationBytes(), Math.min(vm.settings().ceilingBytes(), vm.visibleBytes()));
    }

    private boolean bigEnough(long cur, long size) {
        return Math.abs(size - cur) > config.momMinChangeFraction() * cur;
    }

    private VmPlan unchanged(VmView vm, String reason) {
        long cur = current(vm);
        MemorySplit m = MemorySplit.of(vm, cur, false);
        long balloon = vm.settings().ballooning() ? m.balloonBytes() : vm.balloonBytes();
        return new VmPlan(vm.name(), cur, balloon, 0, false, false, reason, m.pluggedBytes(), false);
    }

    /** MOM only balloons: a virtio-mem device keeps what is plugged and plugs more only to grow past it. */
    private static VmPlan plan(VmView vm, long target, String reason) {
        MemorySplit m = MemorySplit.of(vm, target, false);
        return new VmPlan(vm.name(), target, m.balloonBytes(), 0, false, false, reason, m.pluggedBytes(), false);
    }

    private static String pct(double f) {
        return String.format(Locale.ROOT, "%.4g%%", 100 * f).replaceAll("\\.?0+%$", "%");
    }
}
