package dev.memvisor.fleet.search;

import java.util.List;

/**
 * One host count tried for one policy, aggregated over its hosts.
 *
 * @param policy               the policy
 * @param hosts                hosts the VMs were placed on
 * @param capacityBytes        bin capacity the placement needed under the rule (over the host's memory = overcommit)
 * @param admitted             whether every host's reservations and overheads fit its memory (else nothing was simulated)
 * @param pass                 whether every VM's slowdown is within the bound
 * @param slowdowns            every VM's slowdown, ascending
 * @param worstVm              the VM with the largest slowdown
 * @param vmsOverBound         VMs whose slowdown exceeds the bound
 * @param peakSwappedBytes     sum over VMs of each VM's peak hypervisor-swapped memory
 * @param peakBalloonBytes     sum over VMs of each VM's peak balloon
 * @param sharedSavedBytes     sum over hosts of the mean memory page sharing saved
 * @param peakSwapUsedBytes    sum over hosts of the peak swap in use
 * @param hardOrLowSeconds     simulated host-seconds spent in the hard or low memory state
 * @param reservationViolationPages pages taken from VMs at their reservation (0 when honoured)
 * @param hostWallMillis       wall time of each host simulation, in host order (not deterministic)
 */
public record Candidate(String policy, int hosts, long capacityBytes, boolean admitted, boolean pass, List<Double> slowdowns,
                        String worstVm, int vmsOverBound, long peakSwappedBytes, long peakBalloonBytes, long sharedSavedBytes,
                        long peakSwapUsedBytes, double hardOrLowSeconds, long reservationViolationPages, List<Long> hostWallMillis) {

    /** Nearest-rank percentile of the VMs' slowdowns (1 when nothing was simulated). */
    public double slowdownPercentile(double p) {
        if (slowdowns.isEmpty()) return 1;
        int rank = (int) Math.ceil(p / 100.0 * slowdowns.size());
        return slowdowns.get(Math.max(0, Math.min(slowdowns.size() - 1, rank - 1)));
    }

    /** The largest slowdown. */
    public double maxSlowdown() { return slowdownPercentile(100); }

    /** Mean slowdown. */
    public double meanSlowdown() {
        return slowdowns.stream().mapToDouble(Double::doubleValue).average().orElse(1);
    }
}
