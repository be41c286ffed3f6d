package dev.memvisor.libvirt;

import org.libvirt.MemoryStatistic;

/**
 * A domain's memory statistics (virDomainMemoryStats, what {@code virsh dommemstat} prints): the
 * balloon's actual size, QEMU's resident memory, and what the guest's balloon driver reports every
 * stats period. A statistic libvirt did not report is -1 (the guest ones are missing until the
 * period is set and the guest has reported). Tags: libvirt-domain.h virDomainMemoryStatTags.
 *
 * @param actualBytes          memory the guest has now: its maximum less the balloon (tag actual)
 * @param rssBytes             QEMU's resident memory on the host (rss)
 * @param swapInBytes          memory the guest read from its swap (swap_in)
 * @param swapOutBytes         memory the guest wrote to its swap (swap_out)
 * @param majorFaults          the guest's major page faults (major_fault)
 * @param minorFaults          the guest's minor page faults (minor_fault)
 * @param unusedBytes          memory free in the guest (unused: MemFree)
 * @param availableBytes       the guest's total memory (available: MemTotal)
 * @param usableBytes          memory the guest could use without swapping (usable: MemAvailable)
 * @param diskCachesBytes      the guest's page cache that can be dropped (disk_caches)
 * @param lastUpdateEpochSeconds when the guest last reported (last_update; -1 or 0 = never)
 */
public record BalloonStats(long actualBytes, long rssBytes, long swapInBytes, long swapOutBytes, long majorFaults,
                           long minorFaults, long unusedBytes, long availableBytes, long usableBytes,
                           long diskCachesBytes, long lastUpdateEpochSeconds) {

    /** How many tags to ask for: VIR_DOMAIN_MEMORY_STAT_NR in libvirt 9.0. */
    static final int TAGS = 13;

    /** Whether the guest's balloon driver has reported at least once. */
    public boolean guestReported() {
        return lastUpdateEpochSeconds > 0 && availableBytes >= 0;
    }

    /** Reads libvirt's tag/value pairs; amounts come in KiB. */
    static BalloonStats of(MemoryStatistic[] stats) {
        long[] v = new long[TAGS];
        java.util.Arrays.fill(v, -1);
        for (MemoryStatistic s : stats) {
            if (s.getTag() >= 0 && s.getTag() < TAGS) v[s.getTag()] = s.getValue();
        }
        return new BalloonStats(kib(v[6]), kib(v[7]), kib(v[0]), kib(v[1]), v[2], v[3], kib(v[4]), kib(v[5]),
                kib(v[8]), kib(v[10]), v[9]);
    }

    private static long kib(long v) {
        return v < 0 ? -1 : v * 1024;
    }
}
