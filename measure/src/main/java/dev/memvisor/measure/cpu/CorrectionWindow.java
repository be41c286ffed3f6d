package dev.memvisor.measure.cpu;

import java.util.Map;

/**
 * One window of the correction; all percentages are of one processor.
 *
 * @param start      window start, epoch milliseconds (host clock)
 * @param end        window end, epoch milliseconds
 * @param hostCpuPct host-measured CPU of the VM, averaged over the window
 * @param guestCpuPct the guest's own total, averaged over the window (per-processor average x vCPUs)
 * @param w          hostCpuPct / guestCpuPct; NaN if the guest reported no CPU at all
 * @param processes  per process: reported and corrected (w x reported) CPU, in the order first seen
 */
public record CorrectionWindow(long start, long end, double hostCpuPct, double guestCpuPct, double w, Map<String, ProcessCpu> processes) {
    /** Reported and corrected CPU of one guest process in a window. */
    public record ProcessCpu(double reportedPct, double correctedPct) {}

    /** Copies the process map, keeping its order. */
    public CorrectionWindow {
        processes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(processes));
    }
}
