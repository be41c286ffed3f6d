package dev.memvisor.qemu.manager;

import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.model.VmView;
import dev.memvisor.qemu.collect.QemuProcessStats;

/**
 * What the manager observed of one VM in one observation, beyond the policy's {@link VmView}.
 *
 * @param view            the VM as the policy sees it
 * @param actualBytes     the guest's memory according to its balloon (QMP query-balloon, libvirt's actual)
 * @param ksmProfitBytes  what KSM saves for its QEMU process (ksm_process_profit, at least 0): esxtop SHRDSVD
 * @param sharedBytes     its memory merged by KSM (esxtop SHRD)
 * @param vcpuTicks       its vCPU threads' CPU time in clock ticks
 * @param guestTotalBytes the guest's own MemTotal from the balloon statistics, or -1
 * @param pid             its QEMU process, or -1 when not visible here
 * @param processTicks    its whole QEMU process's CPU time in clock ticks (0 when not visible)
 */
public record VmSample(VmView view, long actualBytes, long ksmProfitBytes, long sharedBytes, long vcpuTicks, long guestTotalBytes,
                       long pid, long processTicks) {
    private static final long PAGE = 4096;

    /** A sample without the QEMU process's identity and total CPU (tests, remote hosts). */
    public VmSample(VmView view, long actualBytes, long ksmProfitBytes, long sharedBytes, long vcpuTicks, long guestTotalBytes) {
        this(view, actualBytes, ksmProfitBytes, sharedBytes, vcpuTicks, guestTotalBytes, -1, 0);
    }

    /**
     * The sample of a VM from what its balloon says and what /proc says of its QEMU, as every real host
     * counts it: the balloon is configured less actual; granted is QEMU's resident memory, at most
     * actual; consumed is resident less KSM's profit, at most actual ({@link TrackedVm#consumedBytes});
     * active is at most granted, and all of granted when it cannot be measured.
     *
     * @param s               the VM's settings
     * @param actualBytes     the guest's memory by its balloon
     * @param p               its QEMU process, or null when not visible (then granted and consumed are actual)
     * @param activeBytes     its active memory, or -1 when unknown
     * @param guestFreeBytes  free memory in the guest (MemFree), or -1 when not reported
     * @param guestTotalBytes the guest's MemTotal, or -1 when not reported
     * @param guestAvailBytes the guest's MemAvailable, or -1 when not reported
     */
    public static VmSample of(VmSettings s, long actualBytes, QemuProcessStats p, long activeBytes, long guestFreeBytes,
                              long guestTotalBytes, long guestAvailBytes) {
        long rss = p == null ? -1 : p.rssBytes();
        long profit = p == null ? 0 : Math.max(0, p.ksmProfitBytes());
        long balloon = Math.max(0, s.configuredBytes() - actualBytes);
        long granted = rss >= 0 ? Math.min(rss, actualBytes) : actualBytes;
        long consumed = rss >= 0 ? TrackedVm.consumedBytes(actualBytes, rss, profit) : actualBytes;
        long act = activeBytes >= 0 ? Math.min(activeBytes, granted) : granted;
        long guestFree = guestFreeBytes >= 0 ? guestFreeBytes : VmView.UNKNOWN;
        long guestUsed = guestTotalBytes >= 0 && guestAvailBytes >= 0 ? Math.max(0, guestTotalBytes - guestAvailBytes) : VmView.UNKNOWN;
        VmView v = new VmView(s, granted, consumed, balloon, p == null ? 0 : p.swapBytes(), 0, act, guestFree, guestUsed);
        return new VmSample(v, actualBytes, profit, p == null ? 0 : p.ksmMergingPages() * PAGE, p == null ? 0 : p.vcpuTicks(),
                guestTotalBytes, p == null ? -1 : p.pid(), p == null ? 0 : p.processTicks());
    }
}
