package dev.memvisor.qemu.manager;

import dev.memvisor.core.control.Action;
import dev.memvisor.core.control.ControlDecision;
import dev.memvisor.core.control.Trigger;
import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.Plan;
import dev.memvisor.qemu.act.CgroupSetting;

import java.util.List;
import java.util.Map;

/**
 * One decision of the real manager (at a control interval or on a state change between intervals):
 * core's {@link ControlDecision} (view, plan, bounded plan, typed actions, failures) with what the
 * QEMU host observed and did, and what the decision cost.
 *
 * @param control         the control loop's decision
 * @param observation     what the QEMU host observed for it
 * @param effects         what the QEMU host did to carry its actions out
 * @param managerCpuNanos the manager process's CPU time since the previous decision
 * @param stepNanos       wall time of this decision's observe-decide-apply
 * @param startNanos      System.nanoTime() when it started
 */
public record Decision(ControlDecision control, Observation observation, Effects effects, long managerCpuNanos, long stepNanos,
                       long startNanos) {

    /** Why the manager decided. */
    public Trigger trigger() { return control.trigger(); }

    /** The host view the policy decided on (VMs that could not be observed are left out). */
    public HostView view() { return control.view(); }

    /** The plan within its bounds: what the host was told to reach. */
    public Plan plan() { return control.bounded(); }

    /** The plan as the policy returned it. */
    public Plan asked() { return control.asked(); }

    /** The actions sent (only changes), in order. */
    public List<Action> actions() { return control.actions(); }

    /** The actions the host could not carry out, and why. */
    public List<ControlDecision.Failure> failures() { return control.failures(); }

    /** Per observed VM, what was seen. */
    public Map<String, VmSample> samples() { return observation.samples(); }

    /** Per VM that could not be observed, why. */
    public Map<String, String> errors() { return observation.errors(); }

    /** Per VM with a memory cgroup, what it carries after this decision. */
    public Map<String, CgroupSetting> cgroups() { return effects.cgroups(); }

    /** Nanoseconds from the start of the decision to the last balloon command QEMU accepted, or -1 if none was sent. */
    public long balloonSentNanos() {
        return effects.balloonSentNanos() < 0 ? -1 : effects.balloonSentNanos() - startNanos;
    }

    /** Host-wide KSM pages_sharing at the observation. */
    public long ksmPagesSharing() { return observation.host().ksmPagesSharing(); }
}
