package dev.memvisor.fleet.model;

/**
 * The stretch of trace time a fleet is sized for.
 *
 * @param startSeconds    trace seconds after the fleet's earliest trace row
 * @param durationSeconds trace seconds covered
 * @param timeScale       trace seconds per simulated second
 */
public record Window(long startSeconds, long durationSeconds, double timeScale) {
    /** Simulated microseconds one host simulation runs. */
    public long simulatedMicros() {
        return Math.round(durationSeconds * 1e6 / timeScale);
    }
}
