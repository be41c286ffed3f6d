package dev.memvisor.density;

/**
 * One guest's progress over one window against its standalone baseline, and what the host took from
 * it at the window's end.
 *
 * @param name          the guest
 * @param baselineRate  operations a second alone with no shortage
 * @param rate          operations a second in the window
 * @param oomKilled     whether its workload was OOM-killed (or its QEMU killed)
 * @param balloonBytes  its balloon (memory less what QEMU reports the guest has; the simulator's MCTLSZ); -1 unknown
 * @param hostSwapBytes its memory in host swap (its QEMU's VmSwap; the simulator's SWCUR); -1 unknown
 */
public record GuestMeasure(String name, double baselineRate, double rate, boolean oomKilled, long balloonBytes, long hostSwapBytes) {
    /** A measure of progress alone, with nothing known of the balloon or swap. */
    public GuestMeasure(String name, double baselineRate, double rate, boolean oomKilled) {
        this(name, baselineRate, rate, oomKilled, -1, -1);
    }

    /** Standalone progress over progress here: 1 = as fast as alone; infinite when it made none. */
    public double slowdown() {
        if (rate <= 0) return Double.POSITIVE_INFINITY;
        return baselineRate / rate;
    }
}
