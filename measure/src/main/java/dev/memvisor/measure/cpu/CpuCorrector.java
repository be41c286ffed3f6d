package dev.memvisor.measure.cpu;

import dev.memvisor.measure.series.IntervalSeries;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Corrects a guest's tick-sampled CPU accounting with the host's measurement of the VM:
 * per window, w = host CPU of the VM / the guest's own total, and each process's corrected CPU = w x reported.
 * Source: M. Friedman, "Correcting the Windows guest CPU counters under VMware" (CMG blog; seeds/003):
 * the 64 Hz sampling stays proportional across processes, so one factor per window fixes them all,
 * given at least 5 minutes of synchronized data.
 */
public final class CpuCorrector {
    /** The window below which the guest's sampling is too coarse (Friedman: at least five minutes). */
    public static final long RECOMMENDED_WINDOW_MILLIS = 300_000;
    /** Windows where a series covers less than this fraction are left out. */
    public static final double MIN_COVERAGE = 0.9;

    private CpuCorrector() {}

    /**
     * Corrects {@code guest} against {@code hostPct} (VM CPU in % of one processor).
     *
     * @param vcpus        processors of the guest (turns the per-processor average into % of one processor)
     * @param offsetMillis guest clock + offset = host clock
     */
    public static CorrectionResult correct(String vm, IntervalSeries hostPct, GuestCpu guest, int vcpus,
                                           long offsetMillis, boolean offsetEstimated, long windowMillis) {
        if (windowMillis <= 0) throw new IllegalArgumentException("window must be positive, got " + windowMillis + " ms");
        if (vcpus <= 0) throw new IllegalArgumentException("vCPUs must be positive, got " + vcpus);
        List<String> warnings = new ArrayList<>();
        if (windowMillis < RECOMMENDED_WINDOW_MILLIS) {
            warnings.add("windows of " + windowMillis / 1000 + " s are under 5 minutes: the guest samples its CPU state about 64 times"
                    + " a second, and with delayed or lost timer ticks short windows hold too few samples for a stable ratio");
        }
        IntervalSeries guestTotal = guest.totalPct().scaled(vcpus).shifted(offsetMillis);
        Map<String, IntervalSeries> procs = new LinkedHashMap<>();
        guest.processes().forEach((name, s) -> procs.put(name, s.shifted(offsetMillis)));
        List<CorrectionWindow> windows = new ArrayList<>();
        long from = Math.max(hostPct.start(), guestTotal.start());
        long to = Math.min(hostPct.end(), guestTotal.end());
        if (hostPct.size() < 2 || guestTotal.size() < 2 || to - from < windowMillis) {
            warnings.add("the host and guest series overlap for " + Math.max(0, to - from) / 1000 + " s, less than one window of "
                    + windowMillis / 1000 + " s (check the clock offset and time zones)");
            return new CorrectionResult(vm, vcpus, offsetMillis, offsetEstimated, windowMillis, windows, warnings);
        }
        double[] cov = new double[1];
        int skipped = 0, idle = 0;
        for (long s = from; s + windowMillis <= to; s += windowMillis) {
            long e = s + windowMillis;
            double host = hostPct.average(s, e, cov);
            double hostCov = cov[0];
            double guestAvg = guestTotal.average(s, e, cov);
            if (hostCov < MIN_COVERAGE || cov[0] < MIN_COVERAGE) { skipped++; continue; }
            double w = guestAvg > 0 ? host / guestAvg : Double.NaN;
            if (!(guestAvg > 0)) idle++;
            Map<String, CorrectionWindow.ProcessCpu> pm = new LinkedHashMap<>();
            for (Map.Entry<String, IntervalSeries> p : procs.entrySet()) {
                double reported = p.getValue().average(s, e, cov);
                if (Double.isNaN(reported)) continue; // the process did not exist in this window
                pm.put(p.getKey(), new CorrectionWindow.ProcessCpu(reported, w * reported));
            }
            windows.add(new CorrectionWindow(s, e, host, guestAvg, w, pm));
        }
        if (skipped > 0) warnings.add(skipped + " window(s) left out: host or guest data covers less than " + (int) (MIN_COVERAGE * 100) + " % of them");
        if (idle > 0) warnings.add(idle + " window(s) where the guest reported no CPU: w is undefined there");
        return new CorrectionResult(vm, vcpus, offsetMillis, offsetEstimated, windowMillis, windows, warnings);
    }
}
