package dev.memvisor.density;

import java.util.Arrays;

/** Percentiles of a small sample by nearest rank (the smallest value with at least p % of the sample at or below it). */
public final class Percentiles {
    private Percentiles() {}

    /** The nearest-rank {@code p}-th percentile (0 < p <= 100) of {@code values}; NaN for none. */
    public static double nearestRank(double[] values, double p) {
        if (values.length == 0) return Double.NaN;
        double[] s = values.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100.0 * s.length);
        return s[Math.max(0, Math.min(s.length, rank) - 1)];
    }
}
