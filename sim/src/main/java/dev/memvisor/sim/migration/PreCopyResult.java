package dev.memvisor.sim.migration;

/**
 * What one modelled migration did.
 *
 * @param bytes             bytes sent (pages, headers and zero markers)
 * @param totalMicros       from the start of the migration to the guest running on the destination (balloon inflation not included)
 * @param downtimeMicros    how long the guest was paused (stop-and-copy plus the fixed overhead)
 * @param iterations        dirty-bitmap syncs, counted as QEMU's {@code dirty-sync-count} (the setup sync, each sync
 *                          during the live rounds, the final one)
 * @param normalPagesPerRound full pages sent between consecutive syncs; the last entry is the stop-and-copy
 * @param zeroPagesPerRound  zero pages sent as markers, the same way
 * @param zeroPages         zero pages sent in all
 * @param skippedFreePages  free pages never sent because they were known free
 * @param balloonedPages    pages balloon-first took before migrating
 * @param balloonMicros     time balloon-first spent inflating (before the migration starts)
 * @param converged         true when the live rounds met the downtime limit, false when the iteration cap stopped them
 */
public record PreCopyResult(MigrationStrategy strategy, long bytes, long totalMicros, long downtimeMicros, int iterations,
                            long[] normalPagesPerRound, long[] zeroPagesPerRound, long zeroPages, long skippedFreePages,
                            long balloonedPages, long balloonMicros, boolean converged) {
    /** Full pages sent in all. */
    public long normalPages() {
        long n = 0;
        for (long p : normalPagesPerRound) n += p;
        return n;
    }
}
