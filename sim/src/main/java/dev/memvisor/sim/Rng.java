package dev.memvisor.sim;

/** SplitMix64 (Steele, Lea and Flood, OOPSLA 2014): a tiny, fast, seedable generator; one per VM keeps runs reproducible. */
public final class Rng {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    /** {@code (i + 1) * GOLDEN}: the state {@code i + 1} draws ahead, so {@link #fill} is a loop the JIT vectorizes. */
    private static final long[] AHEAD = new long[256];
    static {
        for (int i = 0; i < AHEAD.length; i++) AHEAD[i] = (i + 1) * GOLDEN;
    }
    private long state;

    /** A generator for this seed and stream (VM index, host...). */
    public Rng(long seed, long stream) {
        this.state = seed * 0x9E3779B97F4A7C15L + stream * 0xD1B54A32D192ED03L + 0x632BE59BD9B4E019L;
    }

    /** The next 64 random bits. */
    public long next() {
        return mix(state += GOLDEN);
    }

    /** The next {@code n} draws of {@link #next} into {@code out[0..n)}, in order (SplitMix64's state is a counter, so they are independent). */
    public void fill(long[] out, int n) {
        final long[] ahead = AHEAD;
        for (int from = 0; from < n; from += ahead.length) {
            int m = Math.min(ahead.length, n - from);
            long s = state;
            for (int i = 0; i < m; i++) out[from + i] = mix(s + ahead[i]);
            state = s + m * GOLDEN;
        }
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A uniform int in [0, bound). */
    public int nextInt(int bound) {
        return (int) (((next() >>> 32) * bound) >>> 32);
    }

    /** A uniform double in [0, 1). */
    public double nextDouble() {
        return (next() >>> 11) * 0x1.0p-53;
    }
}
