package dev.memvisor.sim.migration;

/**
 * How the running guest dirties memory during the migration: {@code pagesPerSecond} page writes,
 * all into the first {@code hotFraction} of its working set, in the given {@link Locality}.
 */
public record DirtyModel(double pagesPerSecond, Locality locality, double hotFraction, long seed) {
    /** Checks the rate is finite and non-negative and the hot fraction is in (0, 1]. */
    public DirtyModel {
        if (!(pagesPerSecond >= 0) || Double.isInfinite(pagesPerSecond)) {
            throw new IllegalArgumentException("dirty rate: got " + pagesPerSecond + " pages/s, expected a number >= 0");
        }
        if (!(hotFraction > 0 && hotFraction <= 1)) throw new IllegalArgumentException("hot fraction: got " + hotFraction + ", expected (0, 1]");
        if (locality == null) throw new IllegalArgumentException("locality: expected sequential or uniform");
    }

    /** A guest that writes nothing. */
    public static DirtyModel idle() { return new DirtyModel(0, Locality.SEQUENTIAL, 1, 1); }

    /** {@code pagesPerSecond} writes sweeping the whole working set in address order. */
    public static DirtyModel sequential(double pagesPerSecond) { return new DirtyModel(pagesPerSecond, Locality.SEQUENTIAL, 1, 1); }
}
