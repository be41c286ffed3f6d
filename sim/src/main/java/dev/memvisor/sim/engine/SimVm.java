package dev.memvisor.sim.engine;

import dev.memvisor.sim.scenario.Scenario;
import dev.memvisor.sim.workload.Workload;

/** One simulated VM at run time: its memory, application, CPU accounting and per-sample accumulators. */
final class SimVm {
    final Scenario.Vm spec;
    final VmMemory mem;
    final Workload app;
    final ActiveEstimator active;
    final GuestTimer timer;
    final double[] otherCpu;
    final Rng rng;
    // per-sample accumulators
    final double[] trueCpuNs;
    double hostCpuNs, readyNs;
    long lastSwapIns, lastSwapOuts;
    double lastHvCpuNs;
    double completionSeconds = -1;
    long lastTrimMicros = Long.MIN_VALUE;

    SimVm(Scenario.Vm spec, VmMemory mem, Workload app, ActiveEstimator active, GuestTimer timer, Rng rng) {
        this.spec = spec;
        this.mem = mem;
        this.app = app;
        this.active = active;
        this.timer = timer;
        this.rng = rng;
        this.otherCpu = spec.processes().stream().mapToDouble(Scenario.Process::cpu).toArray();
        this.trueCpuNs = new double[1 + otherCpu.length];
    }

    /** vCPUs the VM wants now: its application plus its other processes, at most its vCPUs. */
    double rawDemand() {
        double d = app.done() && !mem.hasBufferedRefs() ? 0 : app.cpuDemand();
        for (double c : otherCpu) d += c;
        return d;
    }
}
