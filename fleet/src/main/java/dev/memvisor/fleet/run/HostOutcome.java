package dev.memvisor.fleet.run;

import java.io.Serializable;

/**
 * What one host simulation sends back to the driver.
 *
 * @param task        the task it ran
 * @param summaryJson the host's summary.json, byte for byte what {@code memvisor simulate} writes
 * @param wallMillis  wall-clock time the simulation took (not part of the deterministic results)
 */
public record HostOutcome(HostTask task, String summaryJson, long wallMillis) implements Serializable {
    private static final long serialVersionUID = 1L;
}
