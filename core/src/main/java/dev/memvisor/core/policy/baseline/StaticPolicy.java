package dev.memvisor.core.policy.baseline;

import dev.memvisor.core.model.HostMemoryState;
import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.Plan;
import dev.memvisor.core.model.VmPlan;
import dev.memvisor.core.model.VmView;
import dev.memvisor.core.policy.MemoryPolicy;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.policy.PolicyName;
import dev.memvisor.core.state.HostStateMachine;

import java.util.ArrayList;
import java.util.List;

/** The baseline: every VM may use its whole ceiling and nothing is ever reclaimed (plain KVM without a manager). */
@PolicyName("static")
public final class StaticPolicy implements MemoryPolicy {
    private final PolicyConfig config;

    /** Creates the policy; it only reads the thresholds, to report the host state. */
    public StaticPolicy(PolicyConfig config) {
        this.config = config;
    }

    @Override
    public Plan decide(HostView view) {
        List<VmPlan> plans = new ArrayList<>();
        for (VmView vm : view.vms()) {
            plans.add(new VmPlan(vm.name(), vm.settings().ceilingBytes(), 0, 0, false, false, "static: no reclamation"));
        }
        return new Plan(view.timeMillis(), stateOf(view), 0, plans);
    }

    private HostMemoryState stateOf(HostView view) {
        return HostStateMachine.stateless(view.freeFraction(), config.thresholdsFor(view.machineBytes()));
    }
}
