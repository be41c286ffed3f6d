package dev.memvisor.sim.migration;

/**
 * The guest's writes as a function of time alone: write number i (1, 2, ...) happens at i / rate
 * seconds and hits a page chosen by the {@link DirtyModel}'s locality, so the same model gives the
 * same writes at the same times whatever the migration does meanwhile.
 */
final class DirtyStream {
    private final int[] hot;
    private final int hotCount;
    private final double nanosPerWrite;
    private final boolean uniform;
    private final long seed;
    private long next = 1;

    DirtyStream(DirtyModel model, int[] workingSet) {
        this.hot = workingSet;
        this.hotCount = workingSet.length == 0 ? 0 : (int) Math.max(1, Math.round(model.hotFraction() * workingSet.length));
        this.nanosPerWrite = model.pagesPerSecond() > 0 && hotCount > 0 ? 1e9 / model.pagesPerSecond() : Double.POSITIVE_INFINITY;
        this.uniform = model.locality() == Locality.UNIFORM;
        this.seed = model.seed();
    }

    /** Time of the next write in nanoseconds, or Long.MAX_VALUE when the guest writes nothing. */
    long nextTimeNanos() {
        double t = next * nanosPerWrite;
        return t >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) t;
    }

    /** The page the next write hits; moves on to the write after it. */
    int take() {
        long i = next++ - 1;
        if (!uniform) return hot[(int) (i % hotCount)];
        return hot[(int) Long.remainderUnsigned(mix(seed * 0x9E3779B97F4A7C15L + i), hotCount)];
    }

    /** SplitMix64's finaliser (Steele, Lea and Flood, OOPSLA 2014): a stateless hash of the write number. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
