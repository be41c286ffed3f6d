package dev.memvisor.qemu.manager;

import dev.memvisor.qemu.collect.KsmStats;
import dev.memvisor.qemu.collect.MemInfo;
import dev.memvisor.qemu.collect.MemoryPressure;
import dev.memvisor.qemu.collect.VmStat;

/**
 * What the host looked like at an observation, beyond the policy's view: for the decision log,
 * {@code top} and the metrics.
 *
 * @param memInfo            /proc/meminfo
 * @param ksmPagesSharing    host-wide KSM pages_sharing: pages mapping a shared page, the saving (0 without KSM)
 * @param psiSomeAvg10       memory PSI some avg10 (percent)
 * @param swapInPages        pages swapped in since boot (vmstat pswpin)
 * @param swapOutPages       pages swapped out since boot (vmstat pswpout)
 * @param ksmPagesShared     host-wide KSM pages_shared: the shared pages themselves (0 without KSM)
 * @param psiSomeTotalMicros memory PSI some total: time some task stalled on memory since boot
 * @param psiFullTotalMicros memory PSI full total: time all non-idle tasks stalled on memory since boot
 */
public record HostReadings(MemInfo memInfo, long ksmPagesSharing, double psiSomeAvg10, long swapInPages, long swapOutPages,
                           long ksmPagesShared, long psiSomeTotalMicros, long psiFullTotalMicros) {

    /** Readings without KSM's shared pages and PSI's totals (tests). */
    public HostReadings(MemInfo memInfo, long ksmPagesSharing, double psiSomeAvg10, long swapInPages, long swapOutPages) {
        this(memInfo, ksmPagesSharing, psiSomeAvg10, swapInPages, swapOutPages, 0, 0, 0);
    }

    /** Reads the host's files under {@code paths}. */
    public static HostReadings read(HostPaths paths) {
        MemInfo mem = MemInfo.read(paths.procRoot());
        MemoryPressure psi = MemoryPressure.read(paths.procRoot());
        VmStat vmstat = VmStat.read(paths.procRoot());
        KsmStats ksm = KsmStats.available(paths.ksmDir()) ? KsmStats.read(paths.ksmDir()) : null;
        return new HostReadings(mem, ksm == null ? 0 : ksm.pagesSharing(), psi.someAvg10(), vmstat.get("pswpin"), vmstat.get("pswpout"),
                ksm == null ? 0 : ksm.pagesShared(), psi.someTotalMicros(), psi.fullTotalMicros());
    }
}
