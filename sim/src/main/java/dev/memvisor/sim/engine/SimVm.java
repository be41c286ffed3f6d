package dev.memvisor.sim.engine;

import dev.memvisor.sim.Rng;
import dev.memvisor.sim.cpu.VmCpu;
import dev.memvisor.sim.guest.GuestOs;
import dev.memvisor.sim.hypervisor.ActiveEstimator;
import dev.memvisor.sim.hypervisor.VmBacking;
import dev.memvisor.sim.scenario.Scenario;
import dev.memvisor.sim.workload.Workload;

/** One simulated VM as built: its settings, guest OS, hypervisor backing, reference loop, CPU accounting, active-memory sampler and application. */
final class SimVm {
    final Scenario.Vm spec;
    final GuestOs guest;
    final VmBacking backing;
    final ReferenceLoop loop;
    final VmCpu cpu;
    final ActiveEstimator active;
    final Workload app;
    /** The VM's generator: its workload, the hypervisor's random choices in it, its sampler and timer draw from it in a fixed order. */
    final Rng rng;
    private double completionSeconds = -1;

    SimVm(Scenario.Vm spec, GuestOs guest, VmBacking backing, ReferenceLoop loop, VmCpu cpu, ActiveEstimator active,
          Workload app, Rng rng) {
        this.spec = spec;
        this.guest = guest;
        this.backing = backing;
        this.loop = loop;
        this.cpu = cpu;
        this.active = active;
        this.app = app;
        this.rng = rng;
    }

    /** Whether the application's fixed work is done, its last batch of references included. */
    boolean workDone() { return app.done() && !loop.hasBufferedRefs(); }

    /** vCPUs the VM wants now: its application (none once done) plus its other processes. */
    double rawDemand() { return cpu.demand(workDone() ? 0 : app.cpuDemand()); }

    /** Records the end of the step at {@code endMicros} as the completion time if the work just finished. */
    void noteCompletion(long endMicros) {
        if (completionSeconds < 0 && workDone()) completionSeconds = endMicros / 1e6;
    }

    /** Simulated seconds at which its work finished, or -1. */
    double completionSeconds() { return completionSeconds; }
}
