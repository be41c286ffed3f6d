package dev.memvisor.sim.cpu;

/**
 * The host's CPU scheduler, as a proportional share: when the vCPUs' demand exceeds the cores,
 * every runnable vCPU runs the same fraction of each step, and a VM whose processes want more
 * than its vCPUs runs its share of them; a vCPU that waits does so in episodes of about a
 * scheduling quantum ({@code host.schedulerQuantum}).
 */
public final class CpuScheduler {
    private final int cores;
    private final long quantumMicros;

    /** A scheduler of {@code cores} cores with quantum {@code quantumMicros}. */
    public CpuScheduler(int cores, long quantumMicros) {
        this.cores = cores;
        this.quantumMicros = quantumMicros;
    }

    /** The fraction of a step a runnable vCPU runs when the VMs want {@code totalDemand} vCPUs (each at most its vCPUs). */
    public double runFraction(double totalDemand) {
        return totalDemand <= cores ? 1.0 : cores / totalDemand;
    }

    /** A VM's share of its work done in a step: {@code run}, scaled down when it wants {@code demand} vCPUs of its {@code vcpus}. */
    public double share(double run, double demand, int vcpus) {
        double fit = demand <= vcpus || demand == 0 ? 1.0 : vcpus / demand;
        return run * fit;
    }

    /** Mean timer ticks (at {@code tickHz}) a vCPU waits for a core once it waits, when vCPUs run {@code run} of the time. */
    public double meanWaitTicks(double run, int tickHz) {
        return quantumMicros / 1e6 * tickHz * (1.0 / run - 1.0);
    }
}
