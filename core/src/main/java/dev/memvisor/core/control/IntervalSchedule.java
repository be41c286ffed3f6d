package dev.memvisor.core.control;

/**
 * When the regular decisions fall: at 0, interval, 2 x interval, ... of the loop's clock. A host
 * that could not keep up (a stalled manager, a suspended machine) skips the deadlines it missed
 * instead of replaying them back to back: after a stall, the next decision is the one due now, and
 * the one after it is on the original grid.
 */
public final class IntervalSchedule {
    private final long intervalMillis;
    private long nextMillis;

    /** A schedule whose first decision is due at {@code firstMillis}. */
    public IntervalSchedule(long intervalMillis, long firstMillis) {
        if (intervalMillis <= 0) throw new IllegalArgumentException("interval must be > 0 ms, got " + intervalMillis);
        this.intervalMillis = intervalMillis;
        this.nextMillis = firstMillis;
    }

    /**
     * Whether a regular decision is due at {@code nowMillis}; when it is, the next deadline moves to
     * the first point of the grid after now, so deadlines missed meanwhile are skipped.
     */
    public boolean due(long nowMillis) {
        if (nowMillis < nextMillis) return false;
        long missed = (nowMillis - nextMillis) / intervalMillis;
        nextMillis += (missed + 1) * intervalMillis;
        return true;
    }

    /** How many deadlines {@link #due} would skip at {@code nowMillis} (0 when on time). */
    public long missedAt(long nowMillis) {
        return nowMillis < nextMillis ? 0 : (nowMillis - nextMillis) / intervalMillis;
    }

    /** The time of the next regular decision. */
    public long nextMillis() { return nextMillis; }

    /** The interval. */
    public long intervalMillis() { return intervalMillis; }
}
