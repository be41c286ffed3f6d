package dev.memvisor.sim.engine;

import dev.memvisor.core.control.Action;
import dev.memvisor.core.control.ControlDecision;
import dev.memvisor.core.control.Controller;
import dev.memvisor.core.control.HostAdapter;
import dev.memvisor.core.control.Trigger;
import dev.memvisor.core.model.HostMemoryState;
import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.VmView;
import dev.memvisor.core.policy.MemoryPolicy;
import dev.memvisor.core.policy.PolicyRegistry;
import dev.memvisor.sim.cpu.CpuScheduler;
import dev.memvisor.sim.hypervisor.Hypervisor;
import dev.memvisor.sim.hypervisor.VmBacking;
import dev.memvisor.sim.memory.StorageDevice;
import dev.memvisor.sim.report.SimResult;
import dev.memvisor.sim.scenario.Scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The page-level host simulator. Simulated time is integral (microseconds) and advances in fixed
 * steps; in each step the host schedules vCPUs, every VM's application makes its references in a
 * fixed VM order, the balloon drivers, hypervisor swapper and page-sharing scanner move. The
 * simulated host is a {@link HostAdapter} of core's {@link Controller}, the same control loop the
 * real manager runs: every control interval, and at once whenever the host memory state changes in
 * between, it observes a {@link HostView} of the simulated state, decides, bounds the plan and
 * carries out the typed actions. The same scenario and seed always give the same result.
 * {@link HostBuilder} builds the host; {@link Sampler} records the run.
 */
public final class Simulation implements HostAdapter {
    private static final long PAGE = 4096;
    private static final boolean DEBUG = System.getenv("MEMVISOR_SIM_DEBUG") != null;

    /** Receives progress: simulated time done and the total. */
    public interface Progress {
        /** Called now and then with the simulated microseconds done. */
        void update(long doneMicros, long totalMicros);
    }

    private final Scenario sc;
    private final MemoryPolicy policy;
    /** Core's control loop: fed free memory every step, it decides at intervals and on state changes. */
    private final Controller controller;
    private final SimHost host;
    private final Hypervisor hv;
    private final List<SimVm> vms;
    private HostMemoryState state = HostMemoryState.HIGH;
    private long now;

    /** Builds the host and its VMs as they are at boot. */
    public Simulation(Scenario sc) {
        this.sc = sc;
        Scenario.Host h = sc.host();
        this.policy = PolicyRegistry.create(h.policyName(), h.policyConfig());
        this.controller = Controller.of(policy, h.policyConfig(), h.controlMicros() / 1000, 0);
        this.host = HostBuilder.build(sc);
        this.hv = host.hypervisor();
        this.vms = host.vms();
    }

    /** The simulated host: its hypervisor and VMs (for tests and the migration model). */
    public SimHost host() { return host; }

    /** Runs the whole scenario. */
    public SimResult run(Progress progress) {
        return run(progress, null);
    }

    /** Runs the whole scenario, calling {@code afterEachStep} (if not null) after every step: tests check invariants with it. */
    SimResult run(Progress progress, Runnable afterEachStep) {
        long started = System.nanoTime();
        Sampler sampler = new Sampler(sc, policy.name(), host);
        long step = sc.stepMicros();
        long end = sc.durationMicros();
        long nextProgress = 0;
        for (SimVm v : vms) v.active.start(v.backing.pages(), v.rng);
        poll();
        while (now < end) {
            step(step);
            now += step;
            if (now % sc.host().activePeriodMicros() == 0) {
                for (SimVm v : vms) {
                    v.active.end(v.backing.pages(), now / 1000);
                    v.active.start(v.backing.pages(), v.rng);
                }
            }
            // the step ran in the state decided before it; a sample after it shows what the control loop made of its end
            sampler.countStep(step, state);
            if (now < end) poll();
            sampler.afterStep(now, state);
            if (afterEachStep != null) afterEachStep.run();
            if (progress != null && now >= nextProgress) {
                progress.update(now, end);
                nextProgress = now + end / 100;
            }
        }
        return sampler.finish(controller.decisions(), controller.stateDecisions(), (System.nanoTime() - started) / 1_000_000);
    }

    /** Feeds the control loop this instant's free memory (its state watch sees every step) and decides when it is due. */
    private void poll() {
        Optional<Trigger> due = controller.poll(now / 1000, Math.max(0, hv.machine().freeFrames()) * PAGE, sc.host().machineBytes());
        if (due.isPresent()) decide(due.get());
    }

    /** One pass of core's control loop over the simulated host. */
    private void decide(Trigger trigger) {
        ControlDecision d = controller.decide(this, now / 1000, trigger);
        if (DEBUG) {
            HostView hv = d.view();
            System.err.println("t=" + now / 1e6 + " free=" + hv.freeBytes() / 1048576 + "M state=" + d.bounded().state()
                    + " trigger=" + trigger.label());
            for (int i = 0; i < hv.vms().size(); i++) System.err.println("  " + hv.vms().get(i) + " -> " + d.bounded().vms().get(i));
        }
        if (!d.failures().isEmpty()) throw new IllegalStateException("simulated host refused " + d.failures());
        state = d.bounded().state();
    }

    /** Carries out one action of the control loop on the simulated mechanisms. */
    @Override
    public void apply(Action action) {
        if (action instanceof Action.Balloon b) {
            hv.balloon().setTarget(vm(b.vm()).backing.index(), b.balloonBytes() / PAGE);
        } else if (action instanceof Action.HostReclaim r) {
            vm(r.vm()).backing.order(r.targetBytes() / PAGE, r.swapTargetBytes() / PAGE, r.compressionAllowed(), r.blockAllocations());
        } else if (action instanceof Action.SharingRate s) {
            hv.sharing().setRate(s.pagesPerSecond());
        }
    }

    private SimVm vm(String name) {
        for (SimVm v : vms) if (v.spec.name().equals(name)) return v;
        throw new IllegalArgumentException("no simulated VM " + name);
    }

    /** The observation the control loop decides on: the simulated state as a {@link HostView}. */
    @Override
    public HostView observe(long nowMillis) {
        return view();
    }

    /** What the host and its VMs look like now, for the policy. */
    public HostView view() {
        List<VmView> views = new ArrayList<>();
        for (SimVm v : vms) {
            VmBacking b = v.backing;
            int i = b.index();
            long activePages = Math.round(v.active.fraction() * b.pages().count());
            views.add(new VmView(v.spec.settings(), b.grantedPages() * PAGE, b.consumedPages() * PAGE,
                    (long) v.guest.balloonPages() * PAGE, hv.swap().swappedPages(i) * PAGE,
                    hv.compression().compressedPages(i) * PAGE, activePages * PAGE,
                    (long) v.guest.guestFreePages() * PAGE, ((long) v.guest.anonPages() + v.guest.cachePages()) * PAGE));
        }
        return new HostView(now / 1000, sc.host().machineBytes(), Math.max(0, hv.machine().freeFrames()) * PAGE,
                sc.host().overheadBytesPerVm(), views);
    }

    /** One step: vCPUs scheduled, every VM's references in VM order, then the balloons, the swapper and the sharing scanner. */
    private void step(long stepMicros) {
        double dtNs = stepMicros * 1000.0;
        double dtSec = stepMicros / 1e6;
        CpuScheduler cpu = host.scheduler();
        // the vCPUs compete for the cores with the hypervisor's own work for the VMs (its I/O, last step's)
        double total = 0;
        for (SimVm v : vms) total += Math.min(v.cpu.vcpus(), v.rawDemand()) + v.cpu.hypervisorCores();
        double run = cpu.runFraction(total);
        for (SimVm v : vms) {
            double r = cpu.share(run, v.rawDemand(), v.cpu.vcpus());
            double cpuBefore = v.loop.appCpuNs();
            v.loop.run(v.app, dtNs, 1.0 / r);
            v.noteCompletion(now + stepMicros);
            v.cpu.account(v.loop.appCpuNs() - cpuBefore, r, run, dtNs, dtSec, v.backing.costs(),
                    cpu.meanWaitTicks(run, v.cpu.tickHz()), v.rng);
            v.app.advance(now + stepMicros, stepMicros, v.guest);
            v.guest.signalLowMemory(now, v.app);
        }
        // balloon drivers and the hypervisor swapper move toward their targets
        long b = hv.balloon().pagesThisStep(dtSec);
        long s = hv.swap().pagesThisStep(dtSec);
        for (SimVm v : vms) {
            v.guest.balloon().moveToward(hv.balloon().targetPages(v.backing.index()), b);
            // the hypervisor swaps and compresses only in a state that allows it (never below the reservation)
            if (state.allowsSwapping()) hv.swap().swapTowardTarget(v.backing, s);
        }
        hv.sharing().step(dtSec);
        for (StorageDevice d : host.devices()) d.endStep(dtNs);
    }
}
