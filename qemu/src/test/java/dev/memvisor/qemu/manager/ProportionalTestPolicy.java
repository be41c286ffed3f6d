package dev.memvisor.qemu.manager;

import dev.memvisor.core.model.HostMemoryState;
import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.Plan;
import dev.memvisor.core.model.VmPlan;
import dev.memvisor.core.model.VmView;
import dev.memvisor.core.policy.MemoryPolicy;
import dev.memvisor.core.policy.PolicyName;

import java.util.ArrayList;
import java.util.List;

/**
 * Used only while core's esx policy is not on this branch: every VM gets its reservation plus a
 * share of the rest in proportion to its shares, and the balloon holds the difference.
 */
@PolicyName("test-proportional")
final class ProportionalTestPolicy implements MemoryPolicy {
    @Override
    public Plan decide(HostView view) {
        long avail = view.availableForVmsBytes();
        long reserved = view.vms().stream().mapToLong(v -> v.settings().reservationBytes()).sum();
        long shares = view.vms().stream().mapToLong(v -> v.settings().shares()).sum();
        List<VmPlan> plans = new ArrayList<>();
        for (VmView v : view.vms()) {
            long extra = Math.max(0, avail - reserved) * v.settings().shares() / shares;
            long target = Math.min(v.settings().ceilingBytes(), v.settings().reservationBytes() + extra);
            plans.add(new VmPlan(v.name(), target, v.settings().configuredBytes() - target, 0, false, false, "proportional"));
        }
        return new Plan(view.timeMillis(), HostMemoryState.SOFT, 0, plans);
    }
}
