package dev.memvisor.measure.cpu;

import dev.memvisor.measure.series.IntervalSeries;

/**
 * Estimates the offset between a guest's and the host's clocks by cross-correlation: the guest's total CPU,
 * averaged over each host interval, is compared with the host's series for every candidate offset, and the
 * offset of highest Pearson correlation wins. Needs CPU that varies over the capture.
 */
public final class ClockOffsetEstimator {
    /** The estimate: guest clock + offset = host clock, and the correlation reached there. */
    public record Estimate(long offsetMillis, double correlation) {}

    private ClockOffsetEstimator() {}

    /** Searches offsets in [-maxMillis, maxMillis] by {@code stepMillis}; ties go to the smallest offset in magnitude. */
    public static Estimate estimate(IntervalSeries host, IntervalSeries guest, long maxMillis, long stepMillis) {
        return estimate(host, guest, maxMillis, stepMillis, 3);
    }

    /**
     * As {@link #estimate(IntervalSeries, IntervalSeries, long, long)}, counting only offsets at which at least
     * {@code minPoints} host intervals overlap the guest: over a wide search (a time zone: hours) a few
     * overlapping points at the edges correlate by chance.
     */
    public static Estimate estimate(IntervalSeries host, IntervalSeries guest, long maxMillis, long stepMillis, int minPoints) {
        if (stepMillis <= 0) throw new IllegalArgumentException("step must be positive");
        long[] t = host.times();
        double[] hv = host.values();
        Estimate best = new Estimate(0, Double.NEGATIVE_INFINITY);
        double[] cov = new double[1];
        double[] x = new double[t.length], y = new double[t.length];
        for (long k = 0; k <= maxMillis / stepMillis; k++) {
            for (int sign = 1; sign >= -1; sign -= 2) {
                if (k == 0 && sign < 0) continue;
                long d = sign * k * stepMillis;
                int n = 0;
                for (int i = 1; i < t.length; i++) {
                    if (Double.isNaN(hv[i])) continue;
                    double g = guest.average(t[i - 1] - d, t[i] - d, cov);
                    if (cov[0] < 0.99) continue;
                    x[n] = hv[i];
                    y[n] = g;
                    n++;
                }
                if (n < Math.max(3, minPoints)) continue;
                double r = pearson(x, y, n);
                if (r > best.correlation() + 1e-12) best = new Estimate(d, r);
            }
        }
        if (best.correlation() == Double.NEGATIVE_INFINITY) return new Estimate(0, Double.NaN);
        return best;
    }

    static double pearson(double[] x, double[] y, int n) {
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
        mx /= n;
        my /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? 0 : sxy / Math.sqrt(sxx * syy);
    }
}
