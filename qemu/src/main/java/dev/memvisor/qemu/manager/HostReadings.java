package dev.memvisor.qemu.manager;

import dev.memvisor.qemu.collect.KsmStats;
import dev.memvisor.qemu.collect.MemInfo;
import dev.memvisor.qemu.collect.MemoryPressure;
import dev.memvisor.qemu.collect.VmStat;

/**
 * What the host looked like at an observation, beyond the policy's view: for the decision log,
 * {@code top} and the metrics.
 *
 * @param memInfo         /proc/meminfo
 * @param ksmPagesSharing host-wide KSM pages_sharing (0 without KSM)
 * @param psiSomeAvg10    memory PSI some avg10 (percent)
 * @param swapInPages     pages swapped in since boot (vmstat pswpin)
 * @param swapOutPages    pages swapped out since boot (vmstat pswpout)
 */
public record HostReadings(MemInfo memInfo, long ksmPagesSharing, double psiSomeAvg10, long swapInPages, long swapOutPages) {

    /** Reads the host's files under {@code paths}. */
    static HostReadings read(HostPaths paths) {
        MemInfo mem = MemInfo.read(paths.procRoot());
        MemoryPressure psi = MemoryPressure.read(paths.procRoot());
        VmStat vmstat = VmStat.read(paths.procRoot());
        long sharing = KsmStats.available(paths.ksmDir()) ? KsmStats.read(paths.ksmDir()).pagesSharing() : 0;
        return new HostReadings(mem, sharing, psi.someAvg10(), vmstat.get("pswpin"), vmstat.get("pswpout"));
    }
}
