package dev.memvisor.measure.cpu;

import java.util.List;

/**
 * The corrected CPU of one VM.
 *
 * @param vm              the VM's name
 * @param vcpus           vCPUs used to turn the guest's per-processor average into % of one processor
 * @param offsetMillis    guest clock + offset = host clock
 * @param offsetEstimated true if the offset was estimated from the data
 * @param windowMillis    window length
 * @param windows         the full windows in the overlap of both series
 * @param warnings        what the user should know (short windows, gaps, low guest CPU)
 */
public record CorrectionResult(String vm, int vcpus, long offsetMillis, boolean offsetEstimated, long windowMillis,
                               List<CorrectionWindow> windows, List<String> warnings) {
    /** Copies the lists. */
    public CorrectionResult {
        windows = List.copyOf(windows);
        warnings = List.copyOf(warnings);
    }
}
