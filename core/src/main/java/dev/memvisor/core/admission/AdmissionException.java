package dev.memvisor.core.admission;

/** A VM the host cannot admit; the message names the VM and by how much it does not fit. */
public final class AdmissionException extends IllegalStateException {
    private final transient AdmissionDecision decision;

    /** Wraps the refusal. */
    public AdmissionException(AdmissionDecision decision) {
        super(decision.message());
        this.decision = decision;
    }

    /** The refusal. */
    public AdmissionDecision decision() { return decision; }
}
