package dev.memvisor.sim.scenario;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code vms[].workload}: the guest application's page references. A workload has a fixed amount
 * of work (its phases' reference counts); its slowdown is its elapsed time over a standalone run's.
 */
public final class WorkloadSpec {
    /** synthetic, trace (address or LIRS page trace) or bitbrains (a Bitbrains VM's demand over time). */
    public String type = "synthetic";
    /** Working-set size the application touches. */
    public String workingSet = "1G";
    /** Largest working set it grows to (a database buffer pool); empty: no growth. */
    public String maxWorkingSet;
    /** Working-set growth per simulated second up to maxWorkingSet. */
    public String growthPerSecond = "0";
    /** Zipf exponent of the hot/cold skew over the working set (0 = uniform). */
    public double skew = 0.8;
    /** Fraction of references that write. */
    public double writeFraction = 0.2;
    /** References per second when nothing stalls. */
    public long refsPerSecond = 10000;
    /** vCPUs the application keeps busy while it works. */
    public double cpu = 1.0;
    /** Whether pages it first touches hold image content (read from files of the same image) rather than its own data. */
    public boolean fromImage = false;
    /** Whether it trims its working set on the guest's low-memory notification (as SQL Server and .NET do). */
    public boolean trimOnLowMemory = false;
    /** Run the phases again when they are done, until the end of the simulation. */
    public boolean repeat = false;
    /** Phases run in order; empty means one phase as long as the simulation. */
    public List<PhaseSpec> phases = new ArrayList<>();
    /** For type trace: the trace file. */
    public TraceSpec trace;
    /** For type bitbrains: the VM trace file. */
    public BitbrainsSpec bitbrains;
}
