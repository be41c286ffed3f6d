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
 * A policy whose host state the test sets: every VM gets the same fixed target; in HARD and LOW
 * the VM's memory above it is to be host-swapped (compressed first when the test allows it), in LOW its
 * allocations are also blocked — as the esx policy does once free memory is that short, without having
 * to make the host that short.
 */
@PolicyName("test-scripted")
final class ScriptedTestPolicy implements MemoryPolicy {
    private final long targetBytes;
    private volatile HostMemoryState state = HostMemoryState.HIGH;
    private volatile boolean compression;

    ScriptedTestPolicy(long targetBytes) {
        this.targetBytes = targetBytes;
    }

    /** The state the next plans are made for. */
    void state(HostMemoryState s) {
        state = s;
    }

    /** Whether the next plans in HARD and LOW let the VMs be compressed (esx does). */
    void compression(boolean on) {
        compression = on;
    }

    @Override
    public Plan decide(HostView view) {
        HostMemoryState s = state;
        List<VmPlan> plans = new ArrayList<>();
        for (VmView v : view.vms()) {
            long excess = Math.max(0, v.grantedBytes() - targetBytes);
            boolean swapping = s == HostMemoryState.HARD || s == HostMemoryState.LOW;
            // at least one page, so the plan asks for host swap even once the VM is already at its target
            long swap = swapping ? Math.max(4096, v.swappedBytes() + excess) : 0;
            plans.add(new VmPlan(v.name(), targetBytes, 0, swap, swapping && compression, s == HostMemoryState.LOW && excess > 0, "scripted " + s));
        }
        return new Plan(view.timeMillis(), s, 0, plans);
    }
}
