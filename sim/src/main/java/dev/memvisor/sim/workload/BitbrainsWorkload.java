package dev.memvisor.sim.workload;

import dev.memvisor.sim.Rng;
import dev.memvisor.sim.trace.BitbrainsTrace;

/**
 * A VM driven by its Bitbrains trace: at each moment its working set is the trace's memory used
 * and its CPU demand the trace's cores busy; it references its working set with Zipf skew at
 * {@code refsPerCpuSecond} per busy vCPU-second. It runs for the whole simulation (no fixed end).
 */
public final class BitbrainsWorkload extends Workload {
    private static final int MIN_REFS_PER_SECOND = 10;
    private final BitbrainsTrace trace;
    private final double timeScale;
    private final long offsetMicros;
    private final int vcpus;
    private final long refsPerCpuSecond;
    private final double skew;
    private final int writeThreshold;
    private final int maxPages;
    private final Rng rng;
    private int n = 1;
    private int touched;
    private double cpu;
    private ZipfTable zipf;
    private int row = -1;
    /** A batch's random draws, made in one vectorizable pass before the Zipf lookups. */
    private long[] draws = new long[256];

    /** A workload replaying {@code trace} scaled in time, capped to {@code maxPages} of working set. */
    public BitbrainsWorkload(BitbrainsTrace trace, double timeScale, long offsetMicros, int vcpus, int maxPages,
                             long refsPerCpuSecond, double skew, double writeFraction, Rng rng) {
        this.trace = trace;
        this.timeScale = timeScale;
        this.offsetMicros = offsetMicros;
        this.vcpus = vcpus;
        this.maxPages = maxPages;
        this.refsPerCpuSecond = refsPerCpuSecond;
        this.skew = skew;
        this.writeThreshold = (int) Math.round(writeFraction * 65536);
        this.rng = rng;
        apply(0, null);
    }

    /** The largest working set in pages the trace asks for, capped by {@code capPages}. */
    public static int peakPages(BitbrainsTrace t, int capPages) {
        long max = 1;
        for (long b : t.usedBytes()) max = Math.max(max, b / 4096);
        return (int) Math.min(capPages, max);
    }

    private void apply(long nowMicros, VirtualMemory mem) {
        double traceSecond = (offsetMicros + nowMicros * timeScale) / 1e6;
        int r = trace.rowAt(traceSecond);
        if (r == row) return;
        row = r;
        int target = (int) Math.max(1, Math.min(maxPages, trace.usedBytes()[r] / 4096));
        if (target < touched && mem != null) {
            mem.release(target, touched);
            touched = target;
        }
        n = target;
        cpu = Math.min(vcpus, Math.max(0, trace.cpuCores()[r]));
        double rate = Math.max(MIN_REFS_PER_SECOND, refsPerCpuSecond * cpu);
        wallNsPerRef = 1e9 / rate;
        cpuNsPerRef = wallNsPerRef * cpu;
    }

    @Override
    public int fill(int[] buf, int max) {
        int i = 0;
        while (touched < n && i < max) buf[i++] = touched++ << 1 | 1;
        if (i < max) {
            if (zipf == null || n < zipf.size() || n > zipf.size() + zipf.size() / 100) zipf = new ZipfTable(n, skew);
            if (draws.length < max - i) draws = new long[max];
            rng.fill(draws, max - i);
            zipf.references(draws, max - i, buf, i, writeThreshold);
        }
        return max;
    }

    @Override
    public int vpnSpace() { return maxPages; }

    @Override
    public void advance(long nowMicros, long dtMicros, VirtualMemory mem) { apply(nowMicros, mem); }

    @Override
    public double cpuDemand() { return cpu; }

    /** The rate is the trace row's, which changes only in {@link #advance}. */
    @Override
    public double minWallNsPerRef() { return wallNsPerRef; }

    @Override
    public boolean done() { return false; }

    @Override
    public int workingSetPages() { return n; }
}
