package dev.memvisor.sim.engine;

import dev.memvisor.core.counter.Counter;
import dev.memvisor.core.model.HostMemoryState;
import dev.memvisor.sim.cpu.VmCpu;
import dev.memvisor.sim.hypervisor.Hypervisor;
import dev.memvisor.sim.hypervisor.VmBacking;
import dev.memvisor.sim.report.SimResult;
import dev.memvisor.core.counter.Counter;
import dev.memvisor.sim.scenario.Scenario;

import java.util.ArrayList;
import java.util.List;

/**
 * Records a run into its {@link SimResult}: the time in each host memory state every step, every
 * counter of every VM and of the host every sample interval, and the run's totals at the end. The
 * one place simulated state becomes recorded counters.
 */
final class Sampler {
    private static final long PAGE = 4096;
    private static final double MB = 1024.0 * 1024.0;
    private final Scenario sc;
    private final SimHost host;
    private final SimResult result;
    private final long[] microsInState = new long[HostMemoryState.values().length];
    private final long[] lastSwapIns, lastSwapOuts;
    private final double[] lastSwapWaitNs;
    /** The host's minFree (esxtop's Kernel MinFree) under the policy's memory state model, MB. */
    private final double minFreeMb;

    /** An empty result for {@code sc} run on {@code host} under the policy {@code policy}. */
    Sampler(Scenario sc, String policy, SimHost host) {
        this.sc = sc;
        this.host = host;
        this.result = new SimResult(sc, policy);
        result.machineBytes = sc.host().machineBytes();
        for (SimVm v : host.vms()) {
            List<String> procs = new ArrayList<>();
            procs.add("app");
            for (Scenario.Process p : v.spec.processes()) procs.add(p.name());
            procs.add("_Total");
            result.vms.add(new SimResult.VmRecord(v.spec.name(), v.spec.settings().configuredBytes(), v.spec.vcpus(), procs));
        }
        this.lastSwapIns = new long[host.vmCount()];
        this.lastSwapOuts = new long[host.vmCount()];
        this.lastSwapWaitNs = new double[host.vmCount()];
        this.minFreeMb = sc.host().policyConfig().minFreeBytes(sc.host().machineBytes()) / MB;
    }

    /** A step of {@code stepMicros} ran with the host in {@code state}. */
    void countStep(long stepMicros, HostMemoryState state) {
        microsInState[state.ordinal()] += stepMicros;
    }

    /** Simulated time is {@code now} and the host in {@code state}: samples when an interval ends. */
    void afterStep(long now, HostMemoryState state) {
        if (now % sc.sampleMicros() == 0) sample(now, state);
    }

    private void sample(long now, HostMemoryState state) {
        Hypervisor hv = host.hypervisor();
        double sec = sc.sampleMicros() / 1e6;
        double secNs = sc.sampleMicros() * 1000.0;
        result.times.add(now / 1e6);
        double perRef = hv.sharing().framesPerReference();
        long inUse = 0;
        for (int i = 0; i < host.vmCount(); i++) {
            SimVm v = host.vms().get(i);
            VmBacking b = v.backing;
            SimResult.VmRecord r = result.vms.get(i);
            int shared = hv.sharing().sharedPages(i);
            int swapped = hv.swap().swappedPages(i);
            int compressed = hv.compression().compressedPages(i);
            long swapIns = hv.swap().swapIns(i), swapOuts = hv.swap().swapOuts(i);
            double swapWaitNs = b.costs().hostSwapWaitNs();
            inUse += b.grantedPages() + swapped + compressed;
            r.series(Counter.GRANT).add(mb(b.grantedPages()));
            r.series(Counter.CNSM).add(mb(b.consumedPages()));
            r.series(Counter.TCHD).add(mb(v.active.fraction() * b.pages().count()));
            r.series(Counter.SZTGT).add(mb(b.targetPages()));
            r.series(Counter.MCTLSZ).add(mb(v.guest.balloonPages()));
            r.series(Counter.MCTLTGT).add(mb(hv.balloon().targetPages(i)));
            r.series(Counter.SWCUR).add(mb(swapped));
            r.series(Counter.SWTGT).add(mb(b.swapTargetPages()));
            r.series(Counter.SWR).add(mb(swapIns - lastSwapIns[i]) / sec);
            r.series(Counter.SWW).add(mb(swapOuts - lastSwapOuts[i]) / sec);
            lastSwapIns[i] = swapIns;
            lastSwapOuts[i] = swapOuts;
            r.series(Counter.SHRD).add(mb(shared));
            r.series(Counter.SHRDSVD).add(mb(shared * (1 - perRef)));
            r.series(Counter.ZERO).add(mb(hv.sharing().sharedZeroPages(i)));
            r.series(Counter.ZIP).add(mb(compressed));
            VmCpu cpu = v.cpu;
            r.series(Counter.USED).add(cpu.hostCpuNs() / secNs * 100);
            r.series(Counter.RDY).add(cpu.readyNs() / secNs * 100);
            r.series(Counter.SYS).add(cpu.hypervisorNs() / secNs * 100);
            r.series(Counter.SWPWT).add((swapWaitNs - lastSwapWaitNs[i]) / secNs * 100);
            lastSwapWaitNs[i] = swapWaitNs;
            // guest accounting: ticks charged to each process over the interval, as % of one processor
            double tickPct = 100.0 / (cpu.tickHz() * sec);
            double trueTotal = 0, reportedTotal = 0;
            for (int p = 0; p < cpu.processes(); p++) {
                double t = cpu.trueCpuNs(p) / secNs * 100;
                double rep = cpu.reportedTicks(p) * tickPct;
                r.trueCpu.get(p).add(t);
                r.reportedCpu.get(p).add(rep);
                trueTotal += t;
                reportedTotal += rep;
            }
            r.trueCpu.get(cpu.processes()).add(trueTotal);
            r.reportedCpu.get(cpu.processes()).add(reportedTotal);
            r.hostCpu.add(cpu.hostCpuNs() / secNs * 100);
            r.series(Counter.GUEST).add(reportedTotal);
            cpu.resetInterval();
        }
        result.series(Counter.HOST_FREE).add(mb(Math.max(0, hv.machine().freeFrames())));
        result.series(Counter.HOST_MINFREE).add(minFreeMb);
        result.series(Counter.HOST_STATE).add((double) state.kernelState());
        result.series(Counter.HOST_PSHARE_COMMON).add(mb(hv.sharing().sharedFrames()));
        result.series(Counter.HOST_PSHARE_SAVING).add(mb(hv.sharing().savedPages()));
        result.series(Counter.HOST_SWCUR).add(mb(hv.swap().usedPages()));
        result.peakOvercommit = Math.max(result.peakOvercommit, (double) inUse / hv.machine().totalFrames());
    }

    /** The run's totals: per VM its slowdown, work, paging and violations; the control loop's decisions; time in each state. */
    SimResult finish(long decisions, long stateChangeDecisions, long wallMillis) {
        Hypervisor hv = host.hypervisor();
        for (int i = 0; i < host.vmCount(); i++) {
            SimVm v = host.vms().get(i);
            SimResult.VmRecord r = result.vms.get(i);
            r.slowdown = v.loop.idealNs() > 0 ? v.loop.actualNs() / v.loop.idealNs() : 1.0;
            r.workDone = v.workDone();
            r.completionSeconds = v.completionSeconds();
            r.doublePagedPages = v.guest.swap().doublePagedPages();
            r.refs = v.loop.refs();
            r.guestSwapOuts = v.guest.swap().swapOuts();
            r.guestSwapIns = v.guest.swap().swapIns();
            r.hostSwapIns = hv.swap().swapIns(i);
            r.lostTicks = v.cpu.lostTicks();
            r.timerResyncs = v.cpu.resyncs();
            r.reservationViolationPages = hv.frames().reservationViolationPages(i);
            result.totalRefs += r.refs;
        }
        result.decisions = decisions;
        result.stateChangeDecisions = stateChangeDecisions;
        // time is counted in integral microseconds, converted once (no drift from adding fractions)
        for (int i = 0; i < microsInState.length; i++) result.secondsInState[i] = microsInState[i] / 1e6;
        result.wallMillis = wallMillis;
        result.scanWorkPages = hv.sharing().scanWorkPages();
        result.scanSkippedFreePages = hv.sharing().scanSkippedFreePages();
        return result;
    }

    private static double mb(double pages) {
        return pages * PAGE / MB;
    }
}
