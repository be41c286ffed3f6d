package dev.memvisor.sim.scenario;

/** {@code workload.bitbrains}: a Bitbrains GWA-T-12 VM trace that drives memory and CPU demand over time. */
public final class BitbrainsSpec {
    /** The {@code N.csv.gz} file; relative paths are resolved against the scenario file's folder. */
    public String file;
    /** Trace seconds per simulated second (12 plays an hour of trace in 5 simulated minutes). */
    public double timeScale = 1;
    /** Where in the trace to start, in trace time. */
    public String offset = "0";
}
