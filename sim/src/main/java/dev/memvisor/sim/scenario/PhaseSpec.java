package dev.memvisor.sim.scenario;

/** One workload phase: its standalone duration and what changes; an empty field keeps the workload's value. */
public final class PhaseSpec {
    /** How long the phase takes standalone (its work is this times refsPerSecond). */
    public String duration;
    /** Working set during the phase. */
    public String workingSet;
    /** Zipf skew during the phase. */
    public Double skew;
    /** Write fraction during the phase. */
    public Double writeFraction;
    /** References per second during the phase (0: an idle phase that only lets time pass). */
    public Long refsPerSecond;
    /** vCPUs kept busy during the phase. */
    public Double cpu;
}
