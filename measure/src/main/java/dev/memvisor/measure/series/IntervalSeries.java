package dev.memvisor.measure.series;

import java.util.Arrays;

/**
 * A counter sampled at the end of consecutive intervals, as esxtop, perfmon and typeperf write them:
 * value {@code i} is the average rate over {@code (end[i-1], end[i]]}. The first value covers one median
 * interval before the first time (esxtop and the simulator write a full first interval; perfmon writes
 * a blank there, which is NaN and so covers nothing). Times are epoch milliseconds; NaN marks a missing value.
 */
public final class IntervalSeries {
    private final long[] ends;
    private final double[] values;
    private final long firstStart;

    /** Wraps sample end times (strictly increasing) and values of the same length. */
    public IntervalSeries(long[] ends, double[] values) {
        if (ends.length != values.length) throw new IllegalArgumentException("times and values differ in length: " + ends.length + " vs " + values.length);
        for (int i = 1; i < ends.length; i++) {
            if (ends[i] <= ends[i - 1]) throw new IllegalArgumentException("sample times must increase: sample " + i + " at " + ends[i] + " after " + ends[i - 1]);
        }
        this.ends = ends.clone();
        this.values = values.clone();
        this.firstStart = ends.length == 0 ? 0 : ends[0] - medianIntervalMillis();
    }

    /** Number of samples. */
    public int size() { return ends.length; }

    /** Sample end times (a copy). */
    public long[] times() { return ends.clone(); }

    /** Sample values (a copy). */
    public double[] values() { return values.clone(); }

    /** Start of the first interval with a value (one median interval before the first time, unless that value is missing), or 0 when empty. */
    public long start() {
        if (ends.length == 0) return 0;
        return Double.isNaN(values[0]) ? ends[0] : firstStart;
    }

    /** End of the last interval, or 0 when empty. */
    public long end() { return ends.length == 0 ? 0 : ends[ends.length - 1]; }

    /** Median interval length in milliseconds (0 with fewer than two samples). */
    public long medianIntervalMillis() {
        if (ends.length < 2) return 0;
        long[] d = new long[ends.length - 1];
        for (int i = 1; i < ends.length; i++) d[i - 1] = ends[i] - ends[i - 1];
        Arrays.sort(d);
        return d[d.length / 2];
    }

    /** The same series with every time moved by {@code millis}. */
    public IntervalSeries shifted(long millis) {
        long[] t = ends.clone();
        for (int i = 0; i < t.length; i++) t[i] += millis;
        return new IntervalSeries(t, values);
    }

    /** The same series with every value multiplied by {@code factor}. */
    public IntervalSeries scaled(double factor) {
        double[] v = values.clone();
        for (int i = 0; i < v.length; i++) v[i] *= factor;
        return new IntervalSeries(ends, v);
    }

    /**
     * Time-weighted mean over {@code [from, to)}, assuming each value holds evenly across its interval;
     * {@code coverage[0]} receives the fraction of the window covered by non-missing values.
     */
    public double average(long from, long to, double[] coverage) {
        double sum = 0;
        long covered = 0;
        // First interval whose end is after 'from'.
        int i = Arrays.binarySearch(ends, from);
        i = i >= 0 ? i + 1 : -i - 1;
        for (; i < ends.length && (i == 0 ? firstStart : ends[i - 1]) < to; i++) {
            long a = Math.max(from, i == 0 ? firstStart : ends[i - 1]), b = Math.min(to, ends[i]);
            if (b <= a || Double.isNaN(values[i])) continue;
            sum += values[i] * (b - a);
            covered += b - a;
        }
        if (coverage != null) coverage[0] = to > from ? (double) covered / (to - from) : 0;
        return covered == 0 ? Double.NaN : sum / covered;
    }
}
