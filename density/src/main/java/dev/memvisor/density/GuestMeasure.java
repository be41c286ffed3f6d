package dev.memvisor.density;

/**
 * One guest's progress over one window against its standalone baseline.
 *
 * @param name         the guest
 * @param baselineRate operations a second alone with no shortage
 * @param rate         operations a second in the window
 * @param oomKilled    whether its workload was OOM-killed (or its QEMU killed)
 */
public record GuestMeasure(String name, double baselineRate, double rate, boolean oomKilled) {
    /** Standalone progress over progress here: 1 = as fast as alone; infinite when it made none. */
    public double slowdown() {
        if (rate <= 0) return Double.POSITIVE_INFINITY;
        return baselineRate / rate;
    }
}
