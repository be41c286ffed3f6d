package dev.memvisor.qemu.migrate;

import java.util.List;

/**
 * What a live migration did, from QEMU's {@code query-migrate} on the source (QAPI MigrationInfo
 * and MigrationStats, QEMU qapi/migration.json).
 *
 * @param vm                the guest migrated
 * @param uri               where to
 * @param requested         the strategy asked for
 * @param strategy          the strategy used (auto resolved)
 * @param status            completed, failed or cancelled
 * @param transferredBytes  RAM bytes sent (ram.transferred)
 * @param ramBytes          the guest's RAM (ram.total)
 * @param totalTimeMillis   from the migrate command to completion (total-time)
 * @param downtimeMillis    the guest's pause for stop-and-copy (downtime)
 * @param setupTimeMillis   setup-time
 * @param iterations        dirty-bitmap syncs, i.e. pre-copy rounds (ram.dirty-sync-count)
 * @param dirtyPagesRate    the highest dirty-page rate QEMU measured, pages per second
 * @param zeroPages         pages sent as zero markers (ram.duplicate)
 * @param normalPages       pages sent in full (ram.normal)
 * @param balloonedBytes    memory the balloon took before migrating (balloon-first; else 0)
 * @param balloonMillis     time spent inflating the balloon before the migration started (not in totalTimeMillis)
 * @param guestFreeBytes    the guest's free memory before migrating, as its balloon statistics reported (-1 unknown)
 * @param notes             what else the user should know (e.g. memory left to give back)
 */
public record MigrationResult(String vm, String uri, MigrationStrategy requested, MigrationStrategy strategy, String status,
                              long transferredBytes, long ramBytes, long totalTimeMillis, long downtimeMillis,
                              long setupTimeMillis, long iterations, long dirtyPagesRate, long zeroPages,
                              long normalPages, long balloonedBytes, long balloonMillis, long guestFreeBytes, List<String> notes) {
    /** Transferred bytes over guest RAM. */
    public double transferredRatio() { return ramBytes == 0 ? 0 : transferredBytes / (double) ramBytes; }
}
