package dev.memvisor.sim.hypervisor;

import dev.memvisor.core.active.ActiveMemoryEstimator;
import dev.memvisor.core.active.SamplingConfig;
import dev.memvisor.sim.Rng;
import dev.memvisor.sim.memory.VmPages;

/**
 * ESX's active-memory estimate by statistical sampling (Waldspurger, OSDI 2002, section 5.3): each
 * period, n random pages have their touched bit cleared; at the end, the fraction touched again is
 * the period's estimate, fed to core's {@link ActiveMemoryEstimator} (fast and slow averages, the
 * largest of the three used, so the estimate rises quickly and falls slowly).
 */
public final class ActiveEstimator {
    private final int[] sample;
    private final ActiveMemoryEstimator averages;
    private boolean measured;

    /** An estimator sampling {@code n} pages every {@code periodMillis}. */
    public ActiveEstimator(int n, long periodMillis) {
        this.sample = new int[n];
        SamplingConfig d = SamplingConfig.DEFAULT;
        this.averages = new ActiveMemoryEstimator(new SamplingConfig(n, periodMillis,
                Math.max(1, d.fastHalfLifeMillis() * periodMillis / d.periodMillis()),
                Math.max(1, d.slowHalfLifeMillis() * periodMillis / d.periodMillis())));
    }

    /** Starts a period: picks the pages and clears their touched bits. */
    public void start(VmPages vm, Rng rng) {
        for (int i = 0; i < sample.length; i++) {
            int g = rng.nextInt(vm.count());
            sample[i] = g;
            vm.clearTouched(g);
        }
    }

    /** Ends a period: counts the sampled pages touched since the start and updates the averages. */
    public void end(VmPages vm, long nowMillis) {
        int touched = 0;
        for (int g : sample) if (vm.touched(g)) touched++;
        averages.observe(nowMillis, sample.length, touched);
        measured = true;
    }

    /** The active fraction of the VM's memory; 1 until the first period ends (assume active until seen idle). */
    public double fraction() {
        return measured ? averages.estimate() : 1.0;
    }
}
