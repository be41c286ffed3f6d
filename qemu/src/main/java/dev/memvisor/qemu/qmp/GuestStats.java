package dev.memvisor.qemu.qmp;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The guest's own memory statistics reported through virtio-balloon ({@code qom-get guest-stats}).
 * A statistic the guest did not report is -1. Source: QEMU docs/interop/virtio-balloon-stats.rst.
 *
 * @param lastUpdateEpochSeconds when the guest last reported (0 = never)
 * @param swapInBytes    memory swapped in by the guest
 * @param swapOutBytes   memory swapped out by the guest
 * @param majorFaults    the guest's major page faults
 * @param minorFaults    the guest's minor page faults
 * @param freeBytes      memory free in the guest
 * @param totalBytes     the guest's total memory (MemTotal)
 * @param availableBytes memory available in the guest (MemAvailable)
 * @param diskCachesBytes the guest's page cache
 */
public record GuestStats(long lastUpdateEpochSeconds, long swapInBytes, long swapOutBytes, long majorFaults,
                         long minorFaults, long freeBytes, long totalBytes, long availableBytes, long diskCachesBytes) {

    /** Whether the guest has reported at least once. */
    public boolean reported() { return lastUpdateEpochSeconds > 0; }

    /** Reads QEMU's {@code {"stats": {...}, "last-update": N}} object. */
    public static GuestStats fromJson(JsonNode node) {
        JsonNode s = node.path("stats");
        return new GuestStats(node.path("last-update").asLong(0),
                s.path("stat-swap-in").asLong(-1), s.path("stat-swap-out").asLong(-1),
                s.path("stat-major-faults").asLong(-1), s.path("stat-minor-faults").asLong(-1),
                s.path("stat-free-memory").asLong(-1), s.path("stat-total-memory").asLong(-1),
                s.path("stat-available-memory").asLong(-1), s.path("stat-disk-caches").asLong(-1));
    }
}
