package dev.memvisor.qemu.manager;

import dev.memvisor.qemu.collect.KsmStats;
import dev.memvisor.qemu.collect.MemInfo;
import dev.memvisor.qemu.collect.MemoryPressure;
import dev.memvisor.qemu.collect.VmStat;

/**
 * What the host looked like at an observation, beyond the policy's view: for the decision log,
 * {@code top} and the metrics.
 *
 * @param memInfo         /proc/meminfo (Zswap: the compressed pool, Zswapped: what it holds)
 * @param ksmPagesSharing host-wide KSM pages_sharing (0 without KSM)
 * @param psiSomeAvg10    memory PSI some avg10 (percent)
 * @param swapInPages     pages swapped in from the swap device since boot (vmstat pswpin)
 * @param swapOutPages    pages written to the swap device since boot (vmstat pswpout; zswap's pages are not among them)
 * @param zswapInPages    pages read back from zswap since boot (vmstat zswpin)
 * @param zswapOutPages   pages stored in zswap since boot (vmstat zswpout)
 */
public record HostReadings(MemInfo memInfo, long ksmPagesSharing, double psiSomeAvg10, long swapInPages, long swapOutPages,
                           long zswapInPages, long zswapOutPages) {

    /** Readings without zswap counters. */
    public HostReadings(MemInfo memInfo, long ksmPagesSharing, double psiSomeAvg10, long swapInPages, long swapOutPages) {
        this(memInfo, ksmPagesSharing, psiSomeAvg10, swapInPages, swapOutPages, 0, 0);
    }

    /** Reads the host's files under {@code paths}. */
    static HostReadings read(HostPaths paths) {
        MemInfo mem = MemInfo.read(paths.procRoot());
        MemoryPressure psi = MemoryPressure.read(paths.procRoot());
        VmStat vmstat = VmStat.read(paths.procRoot());
        long sharing = KsmStats.available(paths.ksmDir()) ? KsmStats.read(paths.ksmDir()).pagesSharing() : 0;
        return new HostReadings(mem, sharing, psi.someAvg10(), vmstat.get("pswpin"), vmstat.get("pswpout"),
                vmstat.get("zswpin"), vmstat.get("zswpout"));
    }

    /** Guest memory held compressed by zswap (/proc/meminfo Zswapped; 0 without zswap). */
    public long zswappedBytes() { return Math.max(0, memInfo.get("Zswapped")); }

    /** Machine memory zswap's pool takes (/proc/meminfo Zswap; 0 without zswap). */
    public long zswapPoolBytes() { return Math.max(0, memInfo.get("Zswap")); }
}
