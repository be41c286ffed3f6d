package dev.memvisor.density;

import java.util.List;

/**
 * One policy's density run: how many guests it admitted, why it stopped, and every step.
 *
 * @param policy                the policy
 * @param guestsAdmitted        guests running at the last step the stopping rule passed
 * @param stop                  why it stopped
 * @param stopDetail            the stop in words (which guest, what value)
 * @param steps                 every step measured, the failing one last
 * @param reservationViolations observations of a guest below its reservation (0 when honoured)
 * @param guestsStarted         guests started (baselines not counted)
 * @param guestsStopped         of those, stopped again by the run
 * @param wallSeconds           how long the run took
 */
public record PolicyResult(String policy, int guestsAdmitted, StopReason stop, String stopDetail, List<StepResult> steps,
                           long reservationViolations, int guestsStarted, int guestsStopped, double wallSeconds) {
    /** Copies the list. */
    public PolicyResult {
        steps = List.copyOf(steps);
    }

    /** The last step whose guests were admitted, or null when none was. */
    public StepResult admittedStep() {
        return steps.stream().filter(s -> s.guests() == guestsAdmitted).findFirst().orElse(null);
    }
}
