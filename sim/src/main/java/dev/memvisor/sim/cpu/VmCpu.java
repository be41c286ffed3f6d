package dev.memvisor.sim.cpu;

import dev.memvisor.sim.Rng;
import dev.memvisor.sim.memory.MissCosts;

/**
 * One VM's CPU as the host and the guest account it. The host measures the CPU its processes really
 * used plus the hypervisor's work on its behalf (faults it handled on the vCPU, the I/O it did or
 * emulated on other threads: esxtop %SYS), and the time it was runnable but waiting for a core (ready
 * time); the guest charges timer ticks to whatever process runs ({@link GuestTimer}), and cannot tell a
 * wait for a core or for the hypervisor from running. Sums over the current sample interval.
 */
public final class VmCpu {
    private final int vcpus;
    private final int tickHz;
    /** vCPUs each of the VM's other processes (besides the application) keeps busy, and the I/Os a second each makes. */
    private final double[] otherCpu, otherIo;
    private final GuestTimer timer;
    private final double[] trueCpuNs;
    private final double[] weights;
    private double hostCpuNs, readyNs, hypervisorNs;
    private double lastHvCpuNs;
    private double hypervisorCores;
    /** The timer's own random stream, so that how the guest accounts never moves what the VM does. */
    private final Rng rng;

    /**
     * A VM of {@code vcpus} vCPUs whose guest ticks at {@code tickHz}, delivers up to {@code catchUpTicks} held ticks
     * with each tick and gives up a backlog over {@code giveUpMicros}; {@code otherCpu} and {@code otherIo}: its other
     * processes' demand and I/O rate; {@code rng}: the timer's own random stream.
     */
    public VmCpu(int vcpus, int tickHz, int catchUpTicks, long giveUpMicros, double[] otherCpu, double[] otherIo, Rng rng) {
        this.rng = rng;
        this.vcpus = vcpus;
        this.tickHz = tickHz;
        this.otherCpu = otherCpu.clone();
        this.otherIo = otherIo.clone();
        this.timer = new GuestTimer(vcpus, tickHz, catchUpTicks, giveUpMicros, 1 + otherCpu.length);
        this.trueCpuNs = new double[1 + otherCpu.length];
        this.weights = new double[1 + otherCpu.length];
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

    /** Host cores the hypervisor's work for this VM took in the last step (it competes with the vCPUs for the cores). */
    public double hypervisorCores() { return hypervisorCores; }

    /**
     * Accounts one step of {@code dtNs}: the application used {@code appCpuNs} (at most its vCPUs' share), the other processes their demand times the VM's {@code share}, every vCPU ran
     * {@code run} of its runnable time; {@code costs} has the hypervisor's work for the VM and the time the
     * application was held in the hypervisor or waited for the guest's own I/O; then the guest's timer ticks over
     * the step, vCPUs waiting for a core as {@code scheduler} makes them wait (after a preemption or after a wake-up).
     */
    public void account(double appCpuNs, double share, double run, double dtNs, double dtSeconds, MissCosts costs,
                        CpuScheduler scheduler) {
        double appCpu = Math.min(appCpuNs, vcpus * share * dtNs);
        trueCpuNs[0] += appCpu;
        weights[0] = appCpu;
        double trueTotal = appCpu, ios = 0;
        for (int p = 0; p < otherCpu.length; p++) {
            double c = otherCpu[p] * share * dtNs;
            trueCpuNs[p + 1] += c;
            weights[p + 1] = c;
            trueTotal += c;
            ios += otherIo[p] * share * dtSeconds;
        }
        costs.deviceIo(ios);
        double hvTotal = costs.hvCpuNs();
        double hv = hvTotal - lastHvCpuNs;
        lastHvCpuNs = hvTotal;
        hypervisorCores = hv / dtNs;
        hostCpuNs += trueTotal + hv;
        hypervisorNs += hv;
        double ready = trueTotal * (1.0 / run - 1.0);
        readyNs += ready;
        // while a miss holds a thread in the hypervisor, its vCPU looks busy to the guest
        double held = costs.takeHeldNs();
        costs.takeGuestWaitNs();
        double span = vcpus * dtNs;
        double pRun = Math.min(1, trueTotal / span), pReady = Math.min(1, ready / span), pHeld = Math.min(1, held / span);
        // a halted vCPU is woken by each interrupt that finds it halted: its I/O completions and its own timer ticks
        double halted = Math.max(0, 1 - pRun - pReady - pHeld);
        double wakes = (costs.takeGuestInterrupts() / dtSeconds / vcpus + tickHz) * halted;
        timer.advance(dtSeconds, pRun, pReady, pHeld, weights, scheduler.meanWaitTicks(pReady, wakes, pRun, tickHz),
                scheduler.wakeShare(wakes, pRun), rng);
    }

    /** Guest processes accounted: the application first. */
    public int processes() { return trueCpuNs.length; }

    /** CPU process {@code p} really used this interval, ns. */
    public double trueCpuNs(int p) { return trueCpuNs[p]; }

    /** Timer ticks the guest charged to process {@code p} this interval. */
    public long reportedTicks(int p) { return timer.ticks(p); }

    /** Timer ticks lost so far (backlogs dropped). */
    public long lostTicks() { return timer.lostTicks(); }

    /** Times the guest clock was resynchronised after a backlog was dropped. */
    public long resyncs() { return timer.resyncs(); }

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
