package dev.memvisor.qemu.cpu;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The guest's own CPU accounting between two consecutive reports.
 *
 * @param startMillis  guest boot time of the first report, ms
 * @param endMillis    guest boot time of the second report, ms
 * @param busyPct      busy time (everything but idle and iowait) as % of all processors' time, averaged per processor (0-100)
 * @param stealPct     time the hypervisor took from the guest (steal), % of all processors' time
 * @param processors   processors the guest counted in the interval (ticks / HZ / seconds, rounded)
 * @param processPct   per process ({@link ProcessTicks#key()}): utime + stime as % of one processor,
 *                     for processes present in both reports
 */
public record GuestCpuInterval(long startMillis, long endMillis, double busyPct, double stealPct, int processors, Map<String, Double> processPct) {
    /** Copies the map, keeping its order. */
    public GuestCpuInterval {
        processPct = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(processPct));
    }

    /**
     * The interval from {@code a} to the next report {@code b}: CPU % = delta ticks / all ticks (proc(5), /proc/stat),
     * process % = delta (utime + stime) / HZ / seconds x 100 (proc(5), /proc/PID/stat fields 14-15).
     *
     * @throws IllegalArgumentException when b is not after a, or the counters went backwards
     */
    public static GuestCpuInterval between(CpuReport a, CpuReport b) {
        long ms = b.bootMillis() - a.bootMillis();
        if (ms <= 0) throw new IllegalArgumentException("report at line " + b.line() + " is not after the one at line " + a.line());
        long total = b.totalTicks() - a.totalTicks();
        long idle = b.idleTicks() - a.idleTicks();
        long steal = b.stealTicks() - a.stealTicks();
        if (total <= 0 || idle < 0 || idle > total) {
            throw new IllegalArgumentException("report at line " + b.line() + ": /proc/stat cpu counters did not advance from line " + a.line()
                    + " (total +" + total + ", idle +" + idle + " ticks)");
        }
        double seconds = ms / 1000.0;
        int processors = (int) Math.max(1, Math.round(total / (double) b.hz() / seconds));
        Map<String, Long> before = new LinkedHashMap<>();
        for (ProcessTicks p : a.processes()) before.put(p.key(), p.ticks());
        Map<String, Double> pct = new LinkedHashMap<>();
        for (ProcessTicks p : b.processes()) {
            Long t0 = before.get(p.key());
            // A process new in b, or a pid reused under the same name (ticks went back), has no interval figure.
            if (t0 == null || p.ticks() < t0) continue;
            pct.put(p.key(), (p.ticks() - t0) / (double) b.hz() / seconds * 100);
        }
        return new GuestCpuInterval(a.bootMillis(), b.bootMillis(), 100.0 * (total - idle - steal) / total, 100.0 * steal / total, processors, pct);
    }
}
