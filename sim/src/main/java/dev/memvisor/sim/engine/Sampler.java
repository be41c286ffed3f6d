package dev.memvisor.sim.engine;

import dev.memvisor.core.model.HostMemoryState;
import dev.memvisor.sim.cpu.VmCpu;
import dev.memvisor.sim.hypervisor.Hypervisor;
import dev.memvisor.sim.hypervisor.VmBacking;
import dev.memvisor.sim.report.HostCounter;
import dev.memvisor.sim.report.SimResult;
import dev.memvisor.sim.report.VmCounter;
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
    }

    /** A step of {@code stepMicros} ended at {@code now} with the host in {@code state}: counts it, and samples when an interval ends. */
    void afterStep(long now, long stepMicros, HostMemoryState state) {
        microsInState[state.ordinal()] += stepMicros;
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
            inUse += b.grantedPages() + swapped + compressed;
            double[] c = new double[VmCounter.values().length];
            c[VmCounter.GRANT.ordinal()] = mb(b.grantedPages());
            c[VmCounter.CONSUMED.ordinal()] = mb(b.consumedPages());
            c[VmCounter.ACTV.ordinal()] = mb(v.active.fraction() * b.pages().count());
            c[VmCounter.MCTLSZ.ordinal()] = mb(v.guest.balloonPages());
            c[VmCounter.MCTLTGT.ordinal()] = mb(hv.balloon().targetPages(i));
            c[VmCounter.SWCUR.ordinal()] = mb(swapped);
            c[VmCounter.SWR.ordinal()] = mb(swapIns - lastSwapIns[i]) / sec;
            c[VmCounter.SWW.ordinal()] = mb(swapOuts - lastSwapOuts[i]) / sec;
            lastSwapIns[i] = swapIns;
            lastSwapOuts[i] = swapOuts;
            c[VmCounter.SHRD.ordinal()] = mb(shared);
            c[VmCounter.SHRDSVD.ordinal()] = mb(shared * (1 - perRef));
            c[VmCounter.ZERO.ordinal()] = mb(hv.sharing().sharedZeroPages(i));
            c[VmCounter.ZIP.ordinal()] = mb(compressed);
            VmCpu cpu = v.cpu;
            c[VmCounter.USED.ordinal()] = cpu.hostCpuNs() / secNs * 100;
            c[VmCounter.RDY.ordinal()] = cpu.readyNs() / secNs * 100;
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
            c[VmCounter.GUEST.ordinal()] = reportedTotal;
            for (VmCounter k : VmCounter.values()) r.counters.get(k.ordinal()).add(c[k.ordinal()]);
            cpu.resetInterval();
        }
        result.series(HostCounter.FREE).add(mb(Math.max(0, hv.machine().freeFrames())));
        result.series(HostCounter.STATE).add((double) state.ordinal());
        result.series(HostCounter.SHARED_COMMON).add(mb(hv.sharing().sharedFrames()));
        result.series(HostCounter.SHARED_SAVED).add(mb(hv.sharing().savedPages()));
        result.series(HostCounter.SWAP_USED).add(mb(hv.swap().usedPages()));
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
