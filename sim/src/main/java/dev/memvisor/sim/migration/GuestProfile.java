package dev.memvisor.sim.migration;

/**
 * What a guest's memory holds when the migration starts, in bytes: pages in use that do not change
 * ({@code usedBytes}: kernel, page cache), the working set the guest keeps writing, pages the guest
 * wrote and then freed (free but not zero), and the rest never written (free and zero).
 */
public record GuestProfile(long ramBytes, long usedBytes, long workingSetBytes, long freedBytes) {
    /** Checks every size is non-negative and that they fit in the guest's RAM; throws naming the field. */
    public GuestProfile {
        if (ramBytes < PreCopyModel.PAGE) throw new IllegalArgumentException("ram: got " + ramBytes + " bytes, expected at least one 4 KiB page");
        if (usedBytes < 0) throw new IllegalArgumentException("used: got " + usedBytes + ", expected >= 0");
        if (workingSetBytes < 0) throw new IllegalArgumentException("working set: got " + workingSetBytes + ", expected >= 0");
        if (freedBytes < 0) throw new IllegalArgumentException("freed: got " + freedBytes + ", expected >= 0");
        if (usedBytes + workingSetBytes + freedBytes > ramBytes) {
            throw new IllegalArgumentException("used + working set + freed: got " + (usedBytes + workingSetBytes + freedBytes)
                    + " bytes, expected at most the guest's RAM (" + ramBytes + ")");
        }
    }
}
