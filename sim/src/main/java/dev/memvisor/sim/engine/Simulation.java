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
import dev.memvisor.sim.report.HostCounter;
import dev.memvisor.sim.report.SimResult;
import dev.memvisor.sim.report.VmCounter;
import dev.memvisor.sim.scenario.Scenario;
import dev.memvisor.sim.trace.BitbrainsTrace;
import dev.memvisor.sim.trace.PageTrace;
import dev.memvisor.sim.trace.TraceCache;
import dev.memvisor.sim.workload.BitbrainsWorkload;
import dev.memvisor.sim.workload.SyntheticWorkload;
import dev.memvisor.sim.workload.TraceWorkload;
import dev.memvisor.sim.workload.Workload;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The page-level host simulator. Simulated time is integral (microseconds) and advances in fixed
 * steps; in each step the host schedules vCPUs, every VM's application makes its references in a
 * fixed VM order, the balloon drivers, hypervisor swapper and page-sharing scanner move. The
 * simulated host is a {@link HostAdapter} of core's {@link Controller}, the same control loop the
 * real manager runs: every control interval, and at once whenever the host memory state changes in
 * between, it observes a {@link HostView} of the simulated state, decides, bounds the plan and
 * carries out the typed actions. The same scenario and seed always give the same result.
 */
public final class Simulation implements HostAdapter {
    private static final long PAGE = 4096;
    private static final boolean DEBUG = System.getenv("MEMVISOR_SIM_DEBUG") != null;
    private static final double MB = 1024.0 * 1024.0;

    /** Receives progress: simulated time done and the total. */
    public interface Progress {
        /** Called now and then with the simulated microseconds done. */
        void update(long doneMicros, long totalMicros);
    }

    private final Scenario sc;
    private final HostMemory host;
    private final List<SimVm> vms = new ArrayList<>();
    private final MemoryPolicy policy;
    private final Rng hostRng;
    /** Core's control loop: fed free memory every step, it decides at intervals and on state changes. */
    private final Controller controller;
    private HostMemoryState state = HostMemoryState.HIGH;
    private long scanRate;
    private double scanCarry;
    private double balloonCarry, swapCarry;
    private long now;

    /** Builds the host and its VMs as they are at boot. */
    public Simulation(Scenario sc) {
        this.sc = sc;
        Scenario.Host h = sc.host();
        this.policy = PolicyRegistry.create(h.policyName(), h.policyConfig());
        this.controller = Controller.of(policy, h.policyConfig(), h.controlMicros() / 1000, 0);
        this.hostRng = new Rng(sc.seed(), 0);
        long frames = (h.machineBytes() - h.overheadBytesPerVm() * sc.vms().size()) / PAGE;
        // content ids: 0 is the zero page, then one pool per image (its OS pages, then application pages read from it)
        Map<String, int[]> pools = new LinkedHashMap<>();
        List<Workload> apps = new ArrayList<>();
        List<Rng> rngs = new ArrayList<>();
        for (int i = 0; i < sc.vms().size(); i++) {
            Scenario.Vm v = sc.vms().get(i);
            Rng rng = new Rng(sc.seed(), i + 1);
            rngs.add(rng);
            Workload w = workload(v, rng);
            apps.add(w);
            if (v.image() != null) {
                int[] pool = pools.computeIfAbsent(v.image(), k -> new int[2]);
                pool[0] = Math.max(pool[0], pages(v.osBytes()));
                if (v.workload().fromImage()) pool[1] = Math.max(pool[1], w.vpnSpace());
            }
        }
        requireHeap(sc, apps);
        long ids = 1;
        Map<String, Integer> base = new HashMap<>();
        for (var e : pools.entrySet()) {
            base.put(e.getKey(), (int) ids);
            ids += (long) e.getValue()[0] + e.getValue()[1];
        }
        if (ids > Integer.MAX_VALUE - 1) throw new IllegalArgumentException("images too large to simulate: " + ids + " pages");
        this.host = new HostMemory(frames, (int) ids, hostRng);
        VmMemory[] mems = new VmMemory[sc.vms().size()];
        for (int i = 0; i < sc.vms().size(); i++) {
            Scenario.Vm v = sc.vms().get(i);
            int pagesVm = pages(v.settings().configuredBytes());
            int os = pages(v.osBytes());
            int imageBase = v.image() == null ? 0 : base.get(v.image());
            int appBase = v.image() != null && v.workload().fromImage() ? imageBase + pools.get(v.image())[0] : 0;
            Costs costs = new Costs(h.faultOverheadNs(), h.swapLatencyNs(), h.decompressNs(), v.guestSwapLatencyNs(),
                    h.compressibleFraction(), h.compressionMaxFraction());
            VmMemory m = new VmMemory(i, pagesVm, apps.get(i).vpnSpace(), host, rngs.get(i), imageBase, os,
                    v.zeroOnBoot(), appBase, costs, v.settings().ceilingBytes() / PAGE, v.settings().reservationBytes() / PAGE);
            mems[i] = m;
            GuestTimer timer = new GuestTimer(v.vcpus(), v.tickHz(), v.catchUpTicks(), 1 + v.processes().size());
            vms.add(new SimVm(v, m, apps.get(i), new ActiveEstimator(h.activeSamplePages(), h.activePeriodMicros() / 1000), timer, rngs.get(i)));
        }
        host.vms = mems;
        this.scanRate = h.policyConfig().sharingScanPagesPerSecond();
        host.skipFreePages(sc.spec().host.sharing.skipFreePages);
    }

    /** Bytes of page arrays per guest page: content id, reverse map, free and balloon stacks, two state bytes. */
    private static final long BYTES_PER_PAGE = 4 + 4 + 4 + 4 + 2;

    /** Fails before allocating when the page arrays cannot fit in this JVM's heap, saying how much they need. */
    private static void requireHeap(Scenario sc, List<Workload> apps) {
        long need = 0;
        for (int i = 0; i < sc.vms().size(); i++) {
            need += pages(sc.vms().get(i).settings().configuredBytes()) * BYTES_PER_PAGE + 4L * apps.get(i).vpnSpace();
        }
        long max = Runtime.getRuntime().maxMemory();
        if (need > max * 0.8) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "the scenario's %d VMs need about %.1f GB of Java heap for their page arrays, this JVM allows %.1f GB;"
                            + " give it more (MEMVISOR_JAVA_OPTS=-Xmx%dg ./memvisor ...) or simulate less memory",
                    sc.vms().size(), need / 1e9, max / 1e9, (long) Math.ceil(need * 1.5 / 1e9)));
        }
    }

    private static int pages(long bytes) {
        return (int) Math.min(Integer.MAX_VALUE / 2, (bytes + PAGE - 1) / PAGE);
    }

    private Workload workload(Scenario.Vm v, Rng rng) {
        Scenario.Workload w = v.workload();
        switch (w.type()) {
            case "trace" -> {
                PageTrace t = TraceCache.pages(w.traceFormat(), w.traceFile(), w.maxRefs());
                return new TraceWorkload(t, w.loops(), w.refsPerSecond(), w.cpu());
            }
            case "bitbrains" -> {
                BitbrainsTrace t = TraceCache.bitbrains(w.bitbrainsFile());
                int cap = BitbrainsWorkload.peakPages(t, pages(v.settings().configuredBytes()));
                return new BitbrainsWorkload(t, w.timeScale(), w.offsetMicros(), v.vcpus(), cap, w.refsPerSecond(),
                        w.skew(), w.writeFraction(), rng);
            }
            default -> {
                List<SyntheticWorkload.Phase> phases = new ArrayList<>();
                if (w.phases().isEmpty()) {
                    phases.add(new SyntheticWorkload.Phase(sc.durationMicros(), pages(w.workingSetBytes()), w.skew(),
                            w.writeFraction(), w.refsPerSecond(), w.cpu()));
                } else {
                    for (Scenario.Phase p : w.phases()) {
                        phases.add(new SyntheticWorkload.Phase(p.durationMicros(), pages(p.workingSetBytes()), p.skew(),
                                p.writeFraction(), p.refsPerSecond(), p.cpu()));
                    }
                }
                return new SyntheticWorkload(phases, w.repeat(), pages(w.maxWorkingSetBytes()),
                        (double) w.growthBytesPerSecond() / PAGE, w.trimOnLowMemory(), !w.fromImage(), rng);
            }
        }
    }

    /** The host's machine memory (for tests). */
    public HostMemory host() { return host; }

    /** Runs the whole scenario. */
    public SimResult run(Progress progress) {
        long started = System.nanoTime();
        SimResult result = new SimResult(sc, policy.name());
        result.machineBytes = sc.host().machineBytes();
        for (SimVm v : vms) {
            List<String> procs = new ArrayList<>();
            procs.add("app");
            for (Scenario.Process p : v.spec.processes()) procs.add(p.name());
            procs.add("_Total");
            result.vms.add(new SimResult.VmRecord(v.spec.name(), v.spec.settings().configuredBytes(), v.spec.vcpus(), procs));
        }
        long step = sc.stepMicros();
        long end = sc.durationMicros();
        long nextProgress = 0;
        long[] microsInState = new long[HostMemoryState.values().length];
        for (SimVm v : vms) v.active.start(v.mem, v.rng);
        while (now < end) {
            // the controller sees every step's free memory, so its state watch is fed whether or not an interval is due
            Optional<Trigger> due = controller.poll(now / 1000, Math.max(0, host.freeFrames()) * PAGE, sc.host().machineBytes());
            if (due.isPresent()) decide(due.get());
            step(step);
            now += step;
            if (now % sc.host().activePeriodMicros() == 0) {
                for (SimVm v : vms) {
                    v.active.end(v.mem, now / 1000);
                    v.active.start(v.mem, v.rng);
                }
            }
            microsInState[state.ordinal()] += step;
            if (now % sc.sampleMicros() == 0) sample(result);
            if (progress != null && now >= nextProgress) {
                progress.update(now, end);
                nextProgress = now + end / 100;
            }
        }
        for (int i = 0; i < vms.size(); i++) {
            SimVm v = vms.get(i);
            SimResult.VmRecord r = result.vms.get(i);
            r.slowdown = v.mem.idealNs > 0 ? v.mem.actualNs / v.mem.idealNs : 1.0;
            r.workDone = v.app.done() && !v.mem.hasBufferedRefs();
            r.completionSeconds = v.completionSeconds;
            r.doublePagedPages = v.mem.doublePaged;
            r.refs = v.mem.refs;
            r.guestSwapOuts = v.mem.guestSwapOuts;
            r.guestSwapIns = v.mem.guestSwapIns;
            r.hostSwapIns = v.mem.swapIns;
            r.reservationViolationPages = v.mem.reservationViolations;
            result.totalRefs += v.mem.refs;
        }
        result.decisions = controller.decisions();
        result.stateChangeDecisions = controller.stateDecisions();
        // time is counted in integral microseconds, converted once (no drift from adding fractions)
        for (int i = 0; i < microsInState.length; i++) result.secondsInState[i] = microsInState[i] / 1e6;
        result.wallMillis = (System.nanoTime() - started) / 1_000_000;
        result.scanWorkPages = host.scanWorkPages();
        result.scanSkippedFreePages = host.scanSkippedFreePages();
        return result;
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
            vm(b.vm()).mem.balloonTargetPages = b.balloonBytes() / PAGE;
        } else if (action instanceof Action.HostReclaim r) {
            VmMemory m = vm(r.vm()).mem;
            m.targetPages = r.targetBytes() / PAGE;
            m.swapTargetPages = Math.min(m.pages, r.swapTargetBytes() / PAGE);
            m.compressionAllowed = r.compressionAllowed() && sc.host().compression();
            // a throttled VM gives up a page of its own for each new one above its target, as a blocked one does
            m.blockAllocations = r.blockAllocations() || r.throttle();
            m.throttle = r.throttle();
        } else if (action instanceof Action.SharingRate s) {
            scanRate = s.pagesPerSecond();
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
        double perRef = host.sharedRefs == 0 ? 0 : (double) host.sharedFrames / host.sharedRefs;
        for (SimVm v : vms) {
            VmMemory m = v.mem;
            long consumed = m.mapped + Math.round(m.shared * perRef) + VmMemory.compressedFrames(m.compressed);
            long activePages = Math.round(v.active.fraction() * m.pages);
            views.add(new VmView(v.spec.settings(), m.grantedPages() * PAGE, consumed * PAGE, (long) m.balloonTop * PAGE,
                    m.swapped * PAGE, m.compressed * PAGE, activePages * PAGE,
                    (long) m.freeTop * PAGE, ((long) m.anonPages + m.cachePages) * PAGE, null, (long) (m.hostStallNs / 1000)));
        }
        return new HostView(now / 1000, sc.host().machineBytes(), Math.max(0, host.freeFrames()) * PAGE,
                sc.host().overheadBytesPerVm(), views);
    }

    private void step(long stepMicros) {
        double dtNs = stepMicros * 1000.0;
        double dtSec = stepMicros / 1e6;
        // CPU: proportional share of the cores when vCPU demand exceeds them
        double total = 0;
        double[] demand = new double[vms.size()];
        for (int i = 0; i < vms.size(); i++) {
            SimVm v = vms.get(i);
            demand[i] = Math.min(v.spec.vcpus(), v.rawDemand());
            total += demand[i];
        }
        double run = total <= sc.host().cores() ? 1.0 : sc.host().cores() / total;
        double quantumTicks;
        for (int i = 0; i < vms.size(); i++) {
            SimVm v = vms.get(i);
            double raw = v.rawDemand();
            double fit = raw <= v.spec.vcpus() || raw == 0 ? 1.0 : v.spec.vcpus() / raw;
            double r = run * fit;
            VmMemory m = v.mem;
            double cpuBefore = m.appCpuNs;
            m.run(v.app, dtNs, 1.0 / r);
            if (v.completionSeconds < 0 && v.app.done() && !m.hasBufferedRefs()) v.completionSeconds = (now + stepMicros) / 1e6;
            double appCpu = Math.min(m.appCpuNs - cpuBefore, v.spec.vcpus() * r * dtNs);
            v.trueCpuNs[0] += appCpu;
            double trueTotal = appCpu;
            for (int p = 0; p < v.otherCpu.length; p++) {
                double c = v.otherCpu[p] * r * dtNs;
                v.trueCpuNs[p + 1] += c;
                trueTotal += c;
            }
            double hv = m.hvCpuNs - v.lastHvCpuNs;
            v.lastHvCpuNs = m.hvCpuNs;
            v.hostCpuNs += trueTotal + hv;
            v.readyNs += trueTotal * (1.0 / run - 1.0);
            double runnable = Math.min(1.0, trueTotal / r / (v.spec.vcpus() * dtNs));
            double[] weights = new double[1 + v.otherCpu.length];
            weights[0] = appCpu;
            for (int p = 0; p < v.otherCpu.length; p++) weights[p + 1] = v.otherCpu[p] * r * dtNs;
            quantumTicks = sc.host().quantumMicros() / 1e6 * v.spec.tickHz() * (1.0 / run - 1.0);
            v.timer.advance(dtSec, runnable, run, weights, quantumTicks, v.rng);
            v.app.advance(now + stepMicros, stepMicros, m);
            // low-memory notification, at most once a second
            if (m.freeTop < v.spec.lowMemoryFraction() * m.pages && m.cachePages == 0
                    && now - v.lastTrimMicros >= 1_000_000 && v.app.lowMemory(m)) {
                v.lastTrimMicros = now;
            }
        }
        // balloon drivers and the hypervisor swapper move toward their targets
        double balloonPages = sc.host().balloonRateBytes() * dtSec / PAGE + balloonCarry;
        long b = (long) balloonPages;
        balloonCarry = balloonPages - b;
        double swapPages = sc.host().swapRateBytes() * dtSec / PAGE + swapCarry;
        long s = (long) swapPages;
        swapCarry = swapPages - s;
        for (SimVm v : vms) {
            VmMemory m = v.mem;
            if (m.balloonTop < m.balloonTargetPages) m.inflate(b);
            else if (m.balloonTop > m.balloonTargetPages) m.deflate(b);
            // a throttled VM is reclaimed toward its target at once, cold pages first (memory.high, whatever the host's
            // state); otherwise the hypervisor swaps and compresses only in a state that allows it; never below the reservation
            if (m.throttle) m.reclaimTowardTarget(s);
            else if (state.allowsSwapping()) m.swapTowardTarget(s);
        }
        double scan = scanRate * dtSec + scanCarry;
        long n = (long) scan;
        scanCarry = scan - n;
        host.scan(n);
    }

    private void sample(SimResult res) {
        double sec = sc.sampleMicros() / 1e6;
        double secNs = sc.sampleMicros() * 1000.0;
        res.times.add(now / 1e6);
        double perRef = host.sharedRefs == 0 ? 0 : (double) host.sharedFrames / host.sharedRefs;
        long inUse = 0;
        for (int i = 0; i < vms.size(); i++) {
            SimVm v = vms.get(i);
            VmMemory m = v.mem;
            SimResult.VmRecord r = res.vms.get(i);
            inUse += m.grantedPages() + m.swapped + m.compressed;
            double[] c = new double[VmCounter.values().length];
            c[VmCounter.GRANT.ordinal()] = mb(m.grantedPages());
            c[VmCounter.CONSUMED.ordinal()] = mb(m.mapped + m.shared * perRef + VmMemory.compressedFrames(m.compressed));
            c[VmCounter.ACTV.ordinal()] = mb(v.active.fraction() * m.pages);
            c[VmCounter.MCTLSZ.ordinal()] = mb(m.balloonTop);
            c[VmCounter.MCTLTGT.ordinal()] = mb(m.balloonTargetPages);
            c[VmCounter.SWCUR.ordinal()] = mb(m.swapped);
            c[VmCounter.SWR.ordinal()] = mb(m.swapIns - v.lastSwapIns) / sec;
            c[VmCounter.SWW.ordinal()] = mb(m.swapOuts - v.lastSwapOuts) / sec;
            v.lastSwapIns = m.swapIns;
            v.lastSwapOuts = m.swapOuts;
            c[VmCounter.SHRD.ordinal()] = mb(m.shared);
            c[VmCounter.SHRDSVD.ordinal()] = mb(m.shared * (1 - perRef));
            c[VmCounter.ZERO.ordinal()] = mb(m.sharedZero);
            c[VmCounter.ZIP.ordinal()] = mb(m.compressed);
            c[VmCounter.USED.ordinal()] = v.hostCpuNs / secNs * 100;
            c[VmCounter.RDY.ordinal()] = v.readyNs / secNs * 100;
            // guest accounting: ticks charged to each process over the interval, as % of one processor
            double tickPct = 100.0 / (v.spec.tickHz() * sec);
            double trueTotal = 0, reportedTotal = 0;
            for (int p = 0; p < v.trueCpuNs.length; p++) {
                double t = v.trueCpuNs[p] / secNs * 100;
                double rep = v.timer.ticks[p] * tickPct;
                r.trueCpu.get(p).add(t);
                r.reportedCpu.get(p).add(rep);
                trueTotal += t;
                reportedTotal += rep;
            }
            r.trueCpu.get(v.trueCpuNs.length).add(trueTotal);
            r.reportedCpu.get(v.trueCpuNs.length).add(reportedTotal);
            r.hostCpu.add(v.hostCpuNs / secNs * 100);
            c[VmCounter.GUEST.ordinal()] = reportedTotal;
            for (VmCounter k : VmCounter.values()) r.counters.get(k.ordinal()).add(c[k.ordinal()]);
            java.util.Arrays.fill(v.trueCpuNs, 0);
            v.hostCpuNs = 0;
            v.readyNs = 0;
            v.timer.reset();
        }
        res.series(HostCounter.FREE).add(mb(Math.max(0, host.freeFrames())));
        res.series(HostCounter.STATE).add((double) state.ordinal());
        res.series(HostCounter.SHARED_COMMON).add(mb(host.sharedFrames));
        res.series(HostCounter.SHARED_SAVED).add(mb(host.sharedSavedPages()));
        res.series(HostCounter.SWAP_USED).add(mb(host.swapUsedPages));
        res.peakOvercommit = Math.max(res.peakOvercommit, (double) inUse / host.totalFrames);
    }

    private static double mb(double pages) {
        return pages * PAGE / MB;
    }
}
