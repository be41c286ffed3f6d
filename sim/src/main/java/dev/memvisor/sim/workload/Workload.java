package dev.memvisor.sim.workload;

/**
 * A guest application's page references. References are encoded as {@code vpn << 1 | write} in
 * an int array, a batch at a time, so the reference loop makes one virtual call per batch.
 */
public abstract class Workload {
    /** Nanoseconds of wall time per reference, when nothing stalls, for the current batch. */
    protected double wallNsPerRef = 1e5;
    /** vCPU nanoseconds per reference for the current batch. */
    protected double cpuNsPerRef = 1e5;

    /** Fills up to {@code max} references of one phase into {@code buf}; 0 when it has nothing to do now. */
    public abstract int fill(int[] buf, int max);

    /** Virtual pages the application can address (its largest working set). */
    public abstract int vpnSpace();

    /** Advances time-driven state (timed phases, growth, trace-driven demand) by {@code dtMicros} ending at {@code nowMicros}. */
    public abstract void advance(long nowMicros, long dtMicros, VirtualMemory mem);

    /** vCPUs the application wants now. */
    public abstract double cpuDemand();

    /** Whether its fixed amount of work is done. */
    public abstract boolean done();

    /** Working-set pages it touches now. */
    public abstract int workingSetPages();

    /** The guest signals low memory; a workload that listens trims its working set. Returns whether it trimmed. */
    public boolean lowMemory(VirtualMemory mem) { return false; }

    /**
     * A lower bound on {@link #wallNsPerRef} of every batch {@link #fill} hands out until the next
     * {@link #advance}; 0 when it cannot say (then a step's references cannot be bounded in advance).
     */
    public double minWallNsPerRef() { return 0; }

    /** Wall nanoseconds per reference of the last batch. */
    public final double wallNsPerRef() { return wallNsPerRef; }

    /** vCPU nanoseconds per reference of the last batch. */
    public final double cpuNsPerRef() { return cpuNsPerRef; }
}
