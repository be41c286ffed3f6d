package dev.memvisor.sim.scenario;

/** {@code workload.trace}: a page reference trace replayed in the guest. */
public final class TraceSpec {
    /** address (SPEC {@code op address gap} lines) or lirs (one block number a line). */
    public String format = "lirs";
    /** The trace file, gzip or plain; relative paths are resolved against the scenario file's folder. */
    public String file;
    /** How many times the trace is replayed (its work). */
    public int loops = 1;
    /** Most references read from the file (0: all). */
    public long maxRefs = 0;
}
