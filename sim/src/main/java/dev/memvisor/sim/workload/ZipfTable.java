package dev.memvisor.sim.workload;

/**
 * Draws Zipf-distributed ranks in O(1): a table of 4,096 quantiles of the continuous Zipf
 * distribution over {@code [0, n)}, interpolated uniformly inside a bucket. Rank 0 is the hottest.
 * The quantiles invert the continuous Zipf CDF: rank = (1 + u ((n+1)^(1-s) - 1))^(1/(1-s)) - 1
 * (the approach of Gray et al., "Quickly generating billion-record synthetic databases", SIGMOD 1994).
 */
public final class ZipfTable {
    private static final int BITS = 12; // 4,096 quantiles: the table stays in the L1 cache
    private final int n;
    private final int[] q = new int[(1 << BITS) + 1];

    /** A table for {@code n} ranks with exponent {@code s} (0 = uniform). */
    public ZipfTable(int n, double s) {
        this.n = n;
        int buckets = 1 << BITS;
        double a = 1 - s;
        double top = Math.abs(a) < 1e-9 ? Math.log(n + 1.0) : Math.pow(n + 1.0, a) - 1;
        for (int i = 0; i <= buckets; i++) {
            double u = (double) i / buckets;
            double x;
            if (s == 0) x = u * n;
            else if (Math.abs(a) < 1e-9) x = Math.exp(u * top) - 1;
            else x = Math.pow(1 + u * top, 1 / a) - 1;
            q[i] = (int) Math.min(n, Math.max(0, Math.floor(x)));
        }
    }

    /** Ranks in the table. */
    public int size() { return n; }

    /** A rank in {@code [0, n)} from 48 random bits (the top 48 of {@code r}). */
    public int sample(long r) {
        int b = (int) (r >>> (64 - BITS));
        int lo = q[b];
        int span = q[b + 1] - lo; // never negative: the quantiles only grow, so a span of 0 gives lo without a branch
        return Math.min(lo + (int) ((((r >>> 16) & 0xFFFFFFFFL) * span) >>> 32), n - 1);
    }

    /**
     * References for the random draws {@code r[0..count)} into {@code out[at..)}: each a rank from
     * {@link #sample} shifted left, its low bit a write when the draw's low 16 bits are below
     * {@code writeThreshold} (of 65,536).
     */
    public void references(long[] r, int count, int[] out, int at, int writeThreshold) {
        for (int i = 0; i < count; i++) {
            long x = r[i];
            out[at + i] = sample(x) << 1 | ((((int) x) & 0xFFFF) - writeThreshold) >>> 31;
        }
    }
}
