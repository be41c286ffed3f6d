package dev.memvisor.sim.cpu;

import dev.memvisor.sim.Rng;

/**
 * The guest's tick-sampling CPU accounting under a host scheduler. Each timer tick (64 Hz in
 * Windows) charges the thread running on the vCPU. While a runnable vCPU waits for a core its
 * ticks are held; when it runs again at most {@code catchUp} of them are delivered in a burst to
 * whatever runs then, the rest are lost, and the guest never learns it was not running. This is
 * why guest % Processor Time is distorted in a VM (design.md, "Guest CPU counters").
 */
public final class GuestTimer {
    private final int vcpus;
    private final int tickHz;
    private final int catchUp;
    private final boolean[] waiting;
    private final int[] pending;
    private double slotCarry;
    /** Ticks charged to each process since the last sample. */
    private final long[] ticks;

    /** A timer for {@code vcpus} vCPUs and {@code processes} guest processes. */
    public GuestTimer(int vcpus, int tickHz, int catchUp, int processes) {
        this.vcpus = vcpus;
        this.tickHz = tickHz;
        this.catchUp = catchUp;
        this.waiting = new boolean[vcpus];
        this.pending = new int[vcpus];
        this.ticks = new long[processes];
    }

    /**
     * Advances {@code dtSeconds}: each vCPU has work with probability {@code runnable}; with work it
     * runs a fraction {@code run} of the time in wait episodes of about {@code meanWaitTicks} ticks.
     * Ticks go to process {@code i} with probability proportional to {@code weights[i]}.
     */
    public void advance(double dtSeconds, double runnable, double run, double[] weights, double meanWaitTicks, Rng rng) {
        double slots = dtSeconds * tickHz + slotCarry;
        int n = (int) slots;
        slotCarry = slots - n;
        double total = 0;
        for (double w : weights) total += w;
        double q = 1.0 / Math.max(1.0, meanWaitTicks);
        double p = run >= 1 ? 0 : Math.min(1, q * (1 - run) / Math.max(run, 1e-6));
        for (int s = 0; s < n; s++) {
            for (int v = 0; v < vcpus; v++) {
                if (rng.nextDouble() < runnable && total > 0) {
                    if (waiting[v]) {
                        if (rng.nextDouble() < q) waiting[v] = false;
                    } else if (rng.nextDouble() < p) {
                        waiting[v] = true;
                    }
                    if (waiting[v]) {
                        pending[v]++;
                        continue;
                    }
                    int delivered = 1 + Math.min(pending[v], catchUp);
                    pending[v] = 0;
                    ticks[pick(weights, total, rng)] += delivered;
                } else {
                    // idle: the idle thread gets the tick and any backlog
                    pending[v] = 0;
                    waiting[v] = false;
                }
            }
        }
    }

    private static int pick(double[] weights, double total, Rng rng) {
        double x = rng.nextDouble() * total;
        for (int i = 0; i < weights.length - 1; i++) {
            x -= weights[i];
            if (x < 0) return i;
        }
        return weights.length - 1;
    }

    /** Ticks charged to process {@code p} since the last {@link #reset}. */
    public long ticks(int p) { return ticks[p]; }

    /** Clears the per-sample tick counts. */
    public void reset() { java.util.Arrays.fill(ticks, 0); }
}
