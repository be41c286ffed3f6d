package dev.memvisor.qemu.scan;

import java.util.List;

/**
 * The result of scanning one or more guests together.
 *
 * @param guests             each guest's own figures
 * @param pages              pages scanned in all
 * @param zeroPages          zero pages in all
 * @param distinctNonZero    distinct non-zero contents over all guests
 * @param crossGuestPages    pages that sharing across guests saves beyond sharing within each guest
 *                           (the sum of each guest's distinct contents less the distinct contents over all)
 * @param nanos              time of all scans
 */
public record ScanSummary(List<GuestScan> guests, long pages, long zeroPages, long distinctNonZero,
                          long crossGuestPages, long nanos) {

    /** Bytes scanned in all. */
    public long bytes() { return guests.stream().mapToLong(GuestScan::bytes).sum(); }

    /**
     * The upper bound of page sharing, in pages: every page beyond the first of each content,
     * counting the zero page as one content (as KSM merges them with use_zero_pages off).
     */
    public long sharablePages() {
        return pages - distinctNonZero - (zeroPages > 0 ? 1 : 0);
    }

    /** Scan rate in GB/s over all guests. */
    public double gbPerSecond() { return nanos == 0 ? 0 : bytes() / (double) nanos; }
}
