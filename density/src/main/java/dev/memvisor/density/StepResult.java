package dev.memvisor.density;

import java.util.Arrays;
import java.util.List;

/**
 * What one admission step measured: with {@code guests} guests running, each one's progress over the
 * window and the host's totals at its end.
 *
 * @param guests        guests running
 * @param measures      per guest, its progress against its baseline
 * @param hostSwapBytes host swap the guests occupy at the window's end (the cgroup's, or the simulated hypervisor's SWCUR)
 * @param hostSwapTrafficBytes memory the host swapped in and out during the window (/proc/vmstat pswpin + pswpout, or the
 *                      simulator's SWR/s + SWW/s): the host swapping now, not pages it swapped out once and never needed again
 * @param balloonBytes  memory held by balloons, all guests together
 * @param sharedBytes   memory saved by page sharing (the guests' KSM profit, or the simulator's shared-saved)
 * @param guestSwapBytes memory the guests swapped to their own swap disks (the simulator's; -1 where not measured)
 */
public record StepResult(int guests, List<GuestMeasure> measures, long hostSwapBytes, long hostSwapTrafficBytes, long balloonBytes, long sharedBytes, long guestSwapBytes) {
    /** Copies the list. */
    public StepResult {
        measures = List.copyOf(measures);
    }

    /** The slowdowns in guest order. */
    public double[] slowdowns() {
        return measures.stream().mapToDouble(GuestMeasure::slowdown).toArray();
    }

    /** The {@code p}-th percentile slowdown (nearest rank, as the stopping rule reads it). */
    public double percentile(double p) {
        return Percentiles.nearestRank(slowdowns(), p);
    }

    /** Whether any guest's workload was OOM-killed. */
    public boolean anyOom() {
        return measures.stream().anyMatch(GuestMeasure::oomKilled);
    }

    /** The largest slowdown. */
    public double max() {
        return Arrays.stream(slowdowns()).max().orElse(1);
    }
}
