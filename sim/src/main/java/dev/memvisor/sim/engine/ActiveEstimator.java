package dev.memvisor.sim.engine;

/**
 * ESX's active-memory estimate by statistical sampling (Waldspurger, OSDI 2002, section 5.3): each
 * period, n random pages have their touched bit cleared; at the end, the fraction touched again is
 * the period's estimate, smoothed by a fast and a slow moving average; the largest of the three is
 * used, so the estimate rises quickly and falls slowly.
 */
public final class ActiveEstimator {
    private static final double FAST_GAIN = 0.5;
    private static final double SLOW_GAIN = 0.1;
    private final int[] sample;
    private boolean measured;
    private double fast, slow, last;

    /** An estimator sampling {@code n} pages a period. */
    public ActiveEstimator(int n) {
        this.sample = new int[n];
    }

    /** Starts a period: picks the pages and clears their touched bits. */
    public void start(VmMemory vm, Rng rng) {
        for (int i = 0; i < sample.length; i++) {
            int g = rng.nextInt(vm.pages);
            sample[i] = g;
            vm.clearTouched(g);
        }
    }

    /** Ends a period: counts the sampled pages touched since the start and updates the averages. */
    public void end(VmMemory vm) {
        int touched = 0;
        for (int g : sample) if (vm.touched(g)) touched++;
        last = (double) touched / sample.length;
        if (!measured) {
            fast = slow = last;
            measured = true;
        } else {
            fast += FAST_GAIN * (last - fast);
            slow += SLOW_GAIN * (last - slow);
        }
    }

    /** The active fraction of the VM's memory; 1 until the first period ends (assume active until seen idle). */
    public double fraction() {
        return measured ? Math.max(last, Math.max(fast, slow)) : 1.0;
    }
}
