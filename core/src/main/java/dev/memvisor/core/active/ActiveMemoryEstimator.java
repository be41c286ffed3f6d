package dev.memvisor.core.active;

import java.util.Objects;

/**
 * One VM's active-memory estimate from page sampling: the current period's touched fraction, a
 * fast and a slow exponentially weighted moving average of it; the estimate is the largest of the
 * three, so it rises quickly and falls slowly. Time comes in with each observation.
 * Source: Waldspurger, OSDI 2002, section 5.3.
 */
public final class ActiveMemoryEstimator {
    private final SamplingConfig config;
    private double fast;
    private double slow;
    private double current;
    private long lastMillis = Long.MIN_VALUE;

    /** An estimator that has seen nothing yet (estimate 0). */
    public ActiveMemoryEstimator(SamplingConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Records one period's sample taken at {@code nowMillis}: {@code touched} of {@code sampled}
     * pages were used. Returns the new estimate as a fraction in [0, 1].
     */
    public double observe(long nowMillis, int sampled, int touched) {
        if (sampled <= 0 || touched < 0 || touched > sampled) {
            throw new IllegalArgumentException("need 0 <= touched <= sampled and sampled > 0, got touched="
                    + touched + " sampled=" + sampled);
        }
        long elapsed = lastMillis == Long.MIN_VALUE ? config.periodMillis() : nowMillis - lastMillis;
        if (elapsed < 0) throw new IllegalArgumentException("time went backwards: " + nowMillis + " < " + lastMillis);
        lastMillis = nowMillis;
        current = (double) touched / sampled;
        fast += weight(elapsed, config.fastHalfLifeMillis()) * (current - fast);
        slow += weight(elapsed, config.slowHalfLifeMillis()) * (current - slow);
        return estimate();
    }

    /** Weight of a new value after {@code elapsed} ms for an average of this half-life: 1 - 2^(-elapsed/halfLife). */
    static double weight(long elapsed, long halfLife) {
        return 1 - Math.pow(0.5, (double) elapsed / halfLife);
    }

    /** The active fraction: the largest of the current value and both averages. */
    public double estimate() { return Math.max(current, Math.max(fast, slow)); }

    /** The active bytes out of {@code grantedBytes}. */
    public long estimateBytes(long grantedBytes) { return Math.round(estimate() * grantedBytes); }

    /** The fast moving average. */
    public double fast() { return fast; }

    /** The slow moving average. */
    public double slow() { return slow; }

    /** The last period's touched fraction. */
    public double current() { return current; }
}
