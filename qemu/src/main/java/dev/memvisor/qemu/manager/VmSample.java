package dev.memvisor.qemu.manager;

import dev.memvisor.core.model.VmView;

/**
 * What the manager observed of one VM in one observation, beyond the policy's {@link VmView}.
 *
 * @param view             the VM as the policy sees it
 * @param actualBytes      the guest's memory according to query-balloon (relative to its boot memory)
 * @param ksmProfitBytes   what KSM saves for its QEMU process (ksm_process_profit, at least 0)
 * @param sharedBytes      its memory merged by KSM (esxtop SHRD)
 * @param vcpuTicks        its vCPU threads' CPU time in clock ticks
 * @param guestTotalBytes  the guest's own MemTotal from the balloon statistics, or -1
 * @param compressedPoolBytes machine memory its compressed pages take (esxtop CACHEUSD, zswap's pool)
 * @param zipSource        where the compression figures come from: {@code cgroup} (exact), {@code estimate}, or {@code none}
 */
public record VmSample(VmView view, long actualBytes, long ksmProfitBytes, long sharedBytes, long vcpuTicks, long guestTotalBytes,
                       long compressedPoolBytes, String zipSource) {

    /** A sample with nothing compressed. */
    public VmSample(VmView view, long actualBytes, long ksmProfitBytes, long sharedBytes, long vcpuTicks, long guestTotalBytes) {
        this(view, actualBytes, ksmProfitBytes, sharedBytes, vcpuTicks, guestTotalBytes, 0, "none");
    }

    /** A copy whose view and pool size carry these compression figures. */
    VmSample withCompression(VmView v, long poolBytes, String source) {
        return new VmSample(v, actualBytes, ksmProfitBytes, sharedBytes, vcpuTicks, guestTotalBytes, poolBytes, source);
    }
}
