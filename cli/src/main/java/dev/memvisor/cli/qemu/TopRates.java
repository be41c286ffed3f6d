package dev.memvisor.cli.qemu;

import dev.memvisor.qemu.cpu.HostCpuSample;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU and swap rates between two {@link TopSample}s, as esxtop computes its per-interval figures:
 * % of one processor over the wall time between them. On KVM a VM's %USED is its QEMU process's CPU
 * time (vCPUs, device emulation, I/O threads: esxtop's VM group), %RUN its vCPU threads' time on a
 * CPU, %RDY their time runnable but waiting for one (schedstat), and %CSTP 0: KVM does not co-schedule
 * a VM's vCPUs, so none waits for its siblings.
 */
final class TopRates {
    private static final double MIB = 1024.0 * 1024.0;
    private static final long PAGE = 4096;

    private final double seconds;
    private final TopSample from;
    private final TopSample to;

    /** The rates from {@code from} to {@code to} (null {@code from}: none, every rate is NaN). */
    TopRates(TopSample from, TopSample to) {
        this.from = from;
        this.to = to;
        this.seconds = from == null ? Double.NaN : (to.nanos() - from.nanos()) / 1e9;
    }

    /** Whether there are rates (two samples). */
    boolean present() {
        return from != null && seconds > 0;
    }

    /** Physical Cpu(_Total) % Util Time. */
    double hostUtilPct() {
        if (!present()) return Double.NaN;
        long total = to.host().totalTicks() - from.host().totalTicks();
        long idle = to.host().idleTicks() - from.host().idleTicks();
        return total <= 0 ? Double.NaN : 100.0 * (total - idle) / total;
    }

    /** Host swap reads (i = 0) or writes (i = 1), MB/s. */
    double hostSwapMBps(int i) {
        if (!present()) return Double.NaN;
        return (to.swap()[i] - from.swap()[i]) * (double) PAGE / MIB / seconds;
    }

    /** A VM's %USED, %RUN, %RDY and %CSTP, or NaNs when it was not in both samples (or is another QEMU now). */
    double[] vm(String name) {
        TopSample.VmCpu[] ab = both(name);
        if (ab == null) return new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        TopSample.VmCpu a = ab[0], b = ab[1];
        double run = 0, wait = 0;
        Map<Long, TopSample.Vcpu> before = byTid(a.vcpus());
        for (TopSample.Vcpu v : b.vcpus()) {
            TopSample.Vcpu p = before.get(v.tid());
            if (p == null || v.runNanos() < 0 || p.runNanos() < 0) continue;
            run += v.runNanos() - p.runNanos();
            wait += v.waitNanos() - p.waitNanos();
        }
        return new double[] {pctTicks(b.processTicks() - a.processTicks()), pctNanos(run), pctNanos(wait), 0};
    }

    /** One vCPU's %USED, %RUN, %RDY and %CSTP, or NaNs when its thread was not in both samples. */
    double[] vcpu(String name, long tid) {
        TopSample.VmCpu[] ab = both(name);
        TopSample.Vcpu p = ab == null ? null : byTid(ab[0].vcpus()).get(tid);
        TopSample.Vcpu v = ab == null ? null : byTid(ab[1].vcpus()).get(tid);
        if (p == null || v == null) return new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        boolean sched = v.runNanos() >= 0 && p.runNanos() >= 0;
        return new double[] {pctTicks(v.ticks() - p.ticks()), sched ? pctNanos(v.runNanos() - p.runNanos()) : Double.NaN,
                sched ? pctNanos(v.waitNanos() - p.waitNanos()) : Double.NaN, 0};
    }

    /** The VM's CPU figures in the first and the second sample, or null when it is missing from one. */
    private TopSample.VmCpu[] both(String name) {
        if (!present()) return null;
        TopSample.VmCpu a = from.vms().get(name), b = to.vms().get(name);
        // a QEMU restarted between the samples is another process: no rate
        return a == null || b == null || a.pid() != b.pid() ? null : new TopSample.VmCpu[] {a, b};
    }

    private double pctTicks(long ticks) {
        return 100.0 * ticks / HostCpuSample.USER_HZ / seconds;
    }

    private double pctNanos(double nanos) {
        return 100.0 * nanos / 1e9 / seconds;
    }

    private static Map<Long, TopSample.Vcpu> byTid(List<TopSample.Vcpu> vcpus) {
        Map<Long, TopSample.Vcpu> m = new HashMap<>();
        for (TopSample.Vcpu v : vcpus) m.put(v.tid(), v);
        return m;
    }
}
