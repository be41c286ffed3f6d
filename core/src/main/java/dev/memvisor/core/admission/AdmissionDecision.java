package dev.memvisor.core.admission;

import dev.memvisor.core.unit.Size;

/**
 * The answer of {@link AdmissionControl} for one VM.
 *
 * @param vm             the VM asked about
 * @param admitted       whether it may power on
 * @param requiredBytes  reservations plus overheads of every admitted VM with this one
 * @param capacityBytes  the host's machine memory
 * @param shortfallBytes by how much the requirement exceeds the capacity (0 when admitted)
 */
public record AdmissionDecision(String vm, boolean admitted, long requiredBytes, long capacityBytes, long shortfallBytes) {

    /** A one-line explanation, naming the VM and, for a refusal, by how much it does not fit. */
    public String message() {
        if (admitted) {
            return "vm " + vm + " admitted: reservations and overheads " + Size.format(requiredBytes)
                    + " of " + Size.format(capacityBytes);
        }
        return "vm " + vm + " refused: reservations and overheads would need " + Size.format(requiredBytes)
                + " but the host has " + Size.format(capacityBytes) + ", short by " + Size.format(shortfallBytes);
    }
}
