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
 *
 * <p>Within a step the VMs' references may run on several threads ({@link VmWorkers}), with the same
 * result as one after the other: they do so only when the host's free frames cover every frame all
 * the VMs' faults could take in the step (each VM's share is at most its references and at most what
 * its limit and compression cache leave it, {@link VmBacking#maxFramesTaken}), so no fault reclaims,
 * which is the only thing a VM's references do to another VM; what they share otherwise (frames in
 * use, shared frames' references) are counts whose end values do not depend on the order. A host
 * short of memory, where faults reclaim, runs its VMs one after the other.
 */
public final class Simulation implements HostAdapter {
    private static final long PAGE = 4096;
    private static final boolean DEBUG = System.getenv("MEMVISOR_SIM_DEBUG") != null;
    /** Less work in a step than this many references' worth is not worth handing to other threads. */
    private static final long MIN_PARALLEL_WORK = 8192;
    /** A VM's work in a step besides its references (CPU accounting, its timer's draws, its workload's clock), in references' worth. */
    private static final long VM_STEP_WORK = 512;

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
    private final int threads;
    private HostMemoryState state = HostMemoryState.HIGH;
    private long now;
    private VmWorkers workers;
    private long parallelSteps;

    /**
     * The threads a simulation uses unless told otherwise: the system property {@code memvisor.simThreads},
     * else every processor (the result is the same whatever the number).
     */
    public static int defaultThreads() {
        return Math.max(1, Integer.getInteger("memvisor.simThreads", Runtime.getRuntime().availableProcessors()));
    }

    /** Builds the host and its VMs as they are at boot; it runs on {@link #defaultThreads()} threads. */
    public Simulation(Scenario sc) {
        this(sc, defaultThreads());
    }

    /** Builds the host and its VMs as they are at boot; within a step its VMs run on up to {@code threads} threads. */
    public Simulation(Scenario sc, int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads: got " + threads + ", expected at least 1");
        this.threads = threads;
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

    /** Steps so far whose VMs ran on several threads. */
    public long parallelSteps() { return parallelSteps; }

    /** Runs the whole scenario. */
    public SimResult run(Progress progress) {
        return run(progress, null);
    }

    /** Runs the whole scenario, calling {@code afterEachStep} (if not null) after every step: tests check invariants with it. */
    SimResult run(Progress progress, Runnable afterEachStep) {
        try (VmWorkers w = new VmWorkers(Math.min(threads, vms.size()))) {
            workers = w;
            return runSteps(progress, afterEachStep);
        } finally {
            workers = null;
        }
    }

    private SimResult runSteps(Progress progress, Runnable afterEachStep) {
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
            vm(r.vm()).backing.order(r.targetBytes() / PAGE, r.swapTargetBytes() / PAGE, r.compressionAllowed(), r.blockAllocations(),
                    r.throttle());
        } else if (action instanceof Action.SharingRate s) {
            hv.sharing().setRate(s.pagesPerSecond());
        } else if (action instanceof Action.Plug p) {
            // The simulated VMs have no virtio-mem device: their views carry none, so PlanBounds keeps every plan's
            // plugged size as it is and the controller sends no Plug. A VM without a device has no region: plugging
            // nothing changes nothing, anything else is refused (README, Simulator: hot-plug).
            if (p.pluggedBytes() != 0) throw new IllegalArgumentException("simulated VM " + p.vm() + " has no virtio-mem device to plug "
                    + p.pluggedBytes() + " bytes into");
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
                    (long) v.guest.guestFreePages() * PAGE, ((long) v.guest.anonPages() + v.guest.cachePages()) * PAGE,
                    null, (long) (b.costs().hostStallNs() / 1000)));
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
        int n = vms.size();
        // each VM's share depends on its own state only, so all are known before any runs
        double[] share = new double[n];
        for (int i = 0; i < n; i++) share[i] = cpu.share(run, vms.get(i).rawDemand(), vms.get(i).cpu.vcpus());
        if (workers.threads() > 1 && n > 1 && framesCoverAllFaults(share, dtNs)) {
            parallelSteps++;
            hv.frames().setConcurrent(true);
            try {
                workers.forEach(n, i -> runVm(vms.get(i), share[i], run, stepMicros, dtNs, dtSec));
            } finally {
                hv.frames().setConcurrent(false);
            }
        } else {
            for (int i = 0; i < n; i++) runVm(vms.get(i), share[i], run, stepMicros, dtNs, dtSec);
        }
        // balloon drivers and the hypervisor swapper move toward their targets
        long b = hv.balloon().pagesThisStep(dtSec);
        long s = hv.swap().pagesThisStep(dtSec);
        for (SimVm v : vms) {
            v.guest.balloon().moveToward(hv.balloon().targetPages(v.backing.index()), b);
            // a throttled VM is reclaimed toward its target at once, cold pages first (memory.high, whatever the host's
            // state); otherwise the hypervisor swaps and compresses only in a state that allows it; never below the reservation
            if (v.backing.throttled()) hv.swap().reclaimTowardTarget(v.backing, s);
            else if (state.allowsSwapping()) hv.swap().swapTowardTarget(v.backing, s);
        }
        hv.sharing().step(dtSec);
        for (StorageDevice d : host.devices()) d.endStep(dtNs);
    }

    /** One VM's part of a step: its references, completion, CPU accounting, the workload's clock, its writeback and the low-memory signal. */
    private void runVm(SimVm v, double r, double run, long stepMicros, double dtNs, double dtSec) {
        CpuScheduler cpu = host.scheduler();
        double cpuBefore = v.loop.appCpuNs();
        v.loop.run(v.app, dtNs, 1.0 / r);
        v.noteCompletion(now + stepMicros);
        v.cpu.account(v.loop.appCpuNs() - cpuBefore, r, run, dtNs, dtSec, v.backing.costs(), cpu);
        v.app.advance(now + stepMicros, stepMicros, v.guest);
        v.guest.writeBack(now + stepMicros, stepMicros);
        v.guest.signalLowMemory(now, v.app);
    }

    /**
     * Whether the VMs' references of this step are worth running in parallel and can be: the free frames
     * exceed all the frames their faults could take (so none reclaims), and there are enough references.
     */
    private boolean framesCoverAllFaults(double[] share, double dtNs) {
        long frames = 0, refs = VM_STEP_WORK * vms.size();
        for (int i = 0; i < vms.size(); i++) {
            SimVm v = vms.get(i);
            long k = v.loop.maxRefs(v.app, dtNs, 1.0 / share[i]);
            refs = k == Long.MAX_VALUE || refs + k < 0 ? Long.MAX_VALUE : refs + k;
            // a fault may bring its swap readahead or the rest of its file read request with it: up to that many frames each
            int perFault = Math.max(Math.max(sc.host().swapReadahead(), v.spec.guestSwapReadahead()), v.spec.workload().readPages());
            frames += Math.min(k >= Long.MAX_VALUE / perFault ? Long.MAX_VALUE : k * perFault, v.backing.maxFramesTaken());
        }
        return refs >= MIN_PARALLEL_WORK && frames < hv.machine().freeFrames();
    }
}
