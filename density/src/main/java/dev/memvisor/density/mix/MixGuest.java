package dev.memvisor.density.mix;

/**
 * One guest of a mix, as it is started: its name, memory settings, disks and schedule.
 *
 * @param name             the guest's name
 * @param entry            index of the {@code guests[]} entry it comes from (guests of one entry are identical and share a standalone baseline)
 * @param memoryBytes      its memory
 * @param reservationBytes its reservation
 * @param shares           low, normal, high or a number
 * @param fill             page contents: same, unique or zero
 * @param cacheBytes       size of its cache disk (0 = none)
 * @param cacheOps         fraction of operations that read the cache disk
 * @param swapBytes        size of its swap disk (0 = none)
 * @param schedule         working set and rate over time
 */
public record MixGuest(String name, int entry, long memoryBytes, long reservationBytes, String shares, String fill, long cacheBytes,
                       double cacheOps, long swapBytes, Schedule schedule) {
    /**
     * What decides the guest's progress alone: two guests with the same workload (memory, contents,
     * disks, schedule) share a standalone baseline, whatever their names, entries, reservations or shares.
     */
    public String workloadKey() {
        return memoryBytes + "/" + fill + "/" + cacheBytes + "/" + cacheOps + "/" + swapBytes + "/" + schedule;
    }
}
