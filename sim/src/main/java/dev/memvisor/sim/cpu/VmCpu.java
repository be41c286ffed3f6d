package dev.memvisor.sim.cpu;

import dev.memvisor.sim.Rng;

/**
 * One VM's CPU as the host and the guest account it. The host measures the CPU its processes
 * really used plus the hypervisor's work on its behalf, and the time it was runnable but waiting
 * for a core (ready time); the guest charges timer ticks to whatever process runs ({@link GuestTimer}).
 * Sums over the current sample interval.
 */
public final class VmCpu {
    private final int vcpus;
    private final int tickHz;
    /** vCPUs each of the VM's other processes (besides the application) keeps busy. */
    private final double[] otherCpu;
    private final GuestTimer timer;
    private final double[] trueCpuNs;
    private double hostCpuNs, readyNs, hypervisorNs;
    private double lastHvCpuNs;

    /** A VM of {@code vcpus} vCPUs whose guest ticks at {@code tickHz} and delivers up to {@code catchUpTicks} held ticks; {@code otherCpu}: its other processes' demand. */
    public VmCpu(int vcpus, int tickHz, int catchUpTicks, double[] otherCpu) {
        this.vcpus = vcpus;
        this.tickHz = tickHz;
        this.otherCpu = otherCpu.clone();
        this.timer = new GuestTimer(vcpus, tickHz, catchUpTicks, 1 + otherCpu.length);
        this.trueCpuNs = new double[1 + otherCpu.length];
    }

    /** The VM's vCPUs. */
    public int vcpus() { return vcpus; }

    /** The guest timer's rate. */
    public int tickHz() { return tickHz; }

    /** vCPUs wanted when the application wants {@code appDemand}: its other processes added. */
    public double demand(double appDemand) {
        double d = appDemand;
        for (double c : otherCpu) d += c;
        return d;
    }

    /**
     * Accounts one step of {@code dtNs}: the application used {@code appCpuNs} (at most its vCPUs'
     * share), the other processes their demand times the VM's {@code share}, every vCPU ran {@code run}
     * of the time; the hypervisor had spent {@code hvCpuTotalNs} on the VM so far; then the guest's
     * timer ticks over the step, vCPUs waiting about {@code meanWaitTicks} at a time.
     */
    public void account(double appCpuNs, double share, double run, double dtNs, double dtSeconds, double hvCpuTotalNs,
                        double meanWaitTicks, Rng rng) {
        double appCpu = Math.min(appCpuNs, vcpus * share * dtNs);
        trueCpuNs[0] += appCpu;
        double trueTotal = appCpu;
        for (int p = 0; p < otherCpu.length; p++) {
            double c = otherCpu[p] * share * dtNs;
            trueCpuNs[p + 1] += c;
            trueTotal += c;
        }
        double hv = hvCpuTotalNs - lastHvCpuNs;
        lastHvCpuNs = hvCpuTotalNs;
        hostCpuNs += trueTotal + hv;
        hypervisorNs += hv;
        readyNs += trueTotal * (1.0 / run - 1.0);
        double runnable = Math.min(1.0, trueTotal / share / (vcpus * dtNs));
        double[] weights = new double[1 + otherCpu.length];
        weights[0] = appCpu;
        for (int p = 0; p < otherCpu.length; p++) weights[p + 1] = otherCpu[p] * share * dtNs;
        timer.advance(dtSeconds, runnable, run, weights, meanWaitTicks, rng);
    }

    /** Guest processes accounted: the application first. */
    public int processes() { return trueCpuNs.length; }

    /** CPU process {@code p} really used this interval, ns. */
    public double trueCpuNs(int p) { return trueCpuNs[p]; }

    /** Timer ticks the guest charged to process {@code p} this interval. */
    public long reportedTicks(int p) { return timer.ticks(p); }

    /** CPU the host measured for the VM this interval (its processes and the hypervisor's work for it), ns. */
    public double hostCpuNs() { return hostCpuNs; }

    /** CPU the hypervisor spent on the VM's behalf this interval (part of {@link #hostCpuNs()}; esxtop %SYS), ns. */
    public double hypervisorNs() { return hypervisorNs; }

    /** Time the VM's vCPUs were runnable but waited for a core this interval, ns. */
    public double readyNs() { return readyNs; }

    /** Starts a new sample interval. */
    public void resetInterval() {
        java.util.Arrays.fill(trueCpuNs, 0);
        hostCpuNs = 0;
        readyNs = 0;
        hypervisorNs = 0;
        timer.reset();
    }
}
