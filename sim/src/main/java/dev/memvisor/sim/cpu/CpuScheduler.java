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

    /**
     * Of a vCPU's waits for a core, the share that follow a wake-up from halt rather than a preemption: it is woken
     * {@code wakesPerSecond} times (an interrupt finding it halted) and preempted about once per quantum it runs
     * ({@code pRun}: the fraction of the time it runs). A halted vCPU is not in the ready queue; it joins it when
     * woken, and waits there with the guest still in its idle loop. The two kinds of wait are taken to be equally long.
     */
    public double wakeShare(double wakesPerSecond, double pRun) {
        double waits = waitsPerSecond(wakesPerSecond, pRun);
        return waits > 0 ? wakesPerSecond / waits : 0;
    }

    /**
     * Mean timer ticks (at {@code tickHz}) one wait for a core lasts: the vCPU's ready time ({@code pReady} of the
     * time) over its waits, after wake-ups and preemptions alike ({@link #wakeShare}). Without wake-ups a vCPU that
     * runs a fraction r of its runnable time waits quantum x (1 / r - 1) after each quantum.
     */
    public double meanWaitTicks(double pReady, double wakesPerSecond, double pRun, int tickHz) {
        double waits = waitsPerSecond(wakesPerSecond, pRun);
        return waits > 0 ? pReady * tickHz / waits : 0;
    }

    private double waitsPerSecond(double wakesPerSecond, double pRun) {
        return wakesPerSecond + pRun * 1e6 / quantumMicros;
    }
}
