package dev.memvisor.core.control;

import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.Plan;

import java.util.List;

/**
 * One pass of the control loop: what the host looked like, what the policy asked for, the plan
 * within its bounds, the actions sent to the host, and those the host could not carry out.
 *
 * @param timeMillis the decision time (simulated or wall clock, since the start of the run)
 * @param trigger    why the loop decided now
 * @param view       what the host adapter observed
 * @param asked      the policy's plan as it returned it
 * @param bounded    the plan within {@link PlanBounds}: what the host is told to reach
 * @param actions    the actions sent to the host (only those that changed), in order
 * @param failures   the actions the host could not carry out, and why
 */
public record ControlDecision(long timeMillis, Trigger trigger, HostView view, Plan asked, Plan bounded,
                              List<Action> actions, List<Failure> failures) {

    /** Copies the lists. */
    public ControlDecision {
        actions = List.copyOf(actions);
        failures = List.copyOf(failures);
    }

    /**
     * An action the host could not carry out.
     *
     * @param action  the action
     * @param message why, as the host adapter said it
     */
    public record Failure(Action action, String message) {}
}
