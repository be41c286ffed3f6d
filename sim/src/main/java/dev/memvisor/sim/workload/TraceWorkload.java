package dev.memvisor.sim.workload;

import dev.memvisor.sim.trace.PageTrace;

/** Replays a page reference trace (address or LIRS) in the guest, {@code loops} times: its work. */
public final class TraceWorkload extends Workload {
    private final PageTrace trace;
    private final double cpu;
    private long left;
    private int pos;

    /** Replays {@code trace} {@code loops} times at {@code refsPerSecond} using {@code cpu} vCPUs. */
    public TraceWorkload(PageTrace trace, int loops, long refsPerSecond, double cpu) {
        this.trace = trace;
        this.cpu = cpu;
        this.left = (long) trace.refs().length * loops;
        this.wallNsPerRef = refsPerSecond == 0 ? 0 : 1e9 / refsPerSecond;
        this.cpuNsPerRef = wallNsPerRef * cpu;
        if (refsPerSecond == 0) left = 0;
    }

    @Override
    public int fill(int[] buf, int max) {
        int[] refs = trace.refs();
        int len = (int) Math.min(max, left);
        for (int i = 0; i < len; i++) {
            buf[i] = refs[pos++];
            if (pos == refs.length) pos = 0;
        }
        left -= len;
        return len;
    }

    @Override
    public int vpnSpace() { return Math.max(1, trace.pages()); }

    @Override
    public void advance(long nowMicros, long dtMicros, VirtualMemory mem) { }

    @Override
    public double cpuDemand() { return left > 0 ? cpu : 0; }

    @Override
    public double minWallNsPerRef() { return wallNsPerRef; }

    @Override
    public boolean done() { return left == 0; }

    @Override
    public int workingSetPages() { return trace.pages(); }
}
