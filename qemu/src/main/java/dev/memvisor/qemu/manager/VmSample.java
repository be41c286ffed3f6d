package dev.memvisor.qemu.manager;

import dev.memvisor.core.model.HotplugMemory;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.model.VmView;
import dev.memvisor.qemu.collect.QemuProcessStats;

/**
 * What the manager observed of one VM in one observation, beyond the policy's {@link VmView}.
 *
 * @param view                the VM as the policy sees it
 * @param actualBytes         the guest's memory according to its balloon (QMP query-balloon, libvirt's actual;
 *                            with a virtio-mem device, relative to its boot memory: what is plugged comes on top)
 * @param ksmProfitBytes      what KSM saves for its QEMU process (ksm_process_profit, at least 0): esxtop SHRDSVD
 * @param sharedBytes         its memory merged by KSM (esxtop SHRD)
 * @param vcpuTicks           its vCPU threads' CPU time in clock ticks
 * @param guestTotalBytes     the guest's own MemTotal from the balloon statistics, or -1
 * @param pid                 its QEMU process, or -1 when not visible here
 * @param processTicks        its whole QEMU process's CPU time in clock ticks (0 when not visible)
 * @param compressedPoolBytes machine memory its compressed pages take (esxtop CACHEUSD, zswap's pool)
 * @param zipSource           where the compression figures come from: {@code cgroup} (exact), {@code estimate}, or {@code none}
 */
public record VmSample(VmView view, long actualBytes, long ksmProfitBytes, long sharedBytes, long vcpuTicks, long guestTotalBytes,
                       long pid, long processTicks, long compressedPoolBytes, String zipSource) {
    private static final long PAGE = 4096;

    /** A sample with nothing compressed. */
    public VmSample(VmView view, long actualBytes, long ksmProfitBytes, long sharedBytes, long vcpuTicks, long guestTotalBytes,
                    long pid, long processTicks) {
        this(view, actualBytes, ksmProfitBytes, sharedBytes, vcpuTicks, guestTotalBytes, pid, processTicks, 0, "none");
    }

    /** A sample without the QEMU process's identity and total CPU, nothing compressed (tests, remote hosts). */
    public VmSample(VmView view, long actualBytes, long ksmProfitBytes, long sharedBytes, long vcpuTicks, long guestTotalBytes) {
        this(view, actualBytes, ksmProfitBytes, sharedBytes, vcpuTicks, guestTotalBytes, -1, 0);
    }

    /** A copy whose view and pool size carry these compression figures. */
    VmSample withCompression(VmView v, long poolBytes, String source) {
        return new VmSample(v, actualBytes, ksmProfitBytes, sharedBytes, vcpuTicks, guestTotalBytes, pid, processTicks, poolBytes, source);
    }

    /**
     * The sample of a VM without hot-pluggable memory and whose memory stall is not observed (a libvirt
     * domain): {@link #of(VmSettings, long, QemuProcessStats, long, long, long, long, HotplugMemory, long)}.
     */
    public static VmSample of(VmSettings s, long actualBytes, QemuProcessStats p, long activeBytes, long guestFreeBytes,
                              long guestTotalBytes, long guestAvailBytes) {
        return of(s, actualBytes, p, activeBytes, guestFreeBytes, guestTotalBytes, guestAvailBytes, null, VmView.UNKNOWN);
    }

    /**
     * The sample of a VM from what its balloon says and what /proc says of its QEMU, as every real host
     * counts it: the balloon is the memory it works within (the boot memory with a virtio-mem device,
     * else the configured memory) less actual; the guest holds at most actual plus what is plugged;
     * granted is QEMU's resident memory, at most that; consumed is resident less KSM's profit, at most
     * that ({@link TrackedVm#consumedBytes}); active is at most granted, and all of granted when it cannot be measured.
     *
     * @param s                 the VM's settings
     * @param actualBytes       the guest's memory by its balloon
     * @param p                 its QEMU process, or null when not visible (then granted and consumed are what the guest holds)
     * @param activeBytes       its active memory, or -1 when unknown
     * @param guestFreeBytes    free memory in the guest (MemFree), or -1 when not reported
     * @param guestTotalBytes   the guest's MemTotal, or -1 when not reported
     * @param guestAvailBytes   the guest's MemAvailable, or -1 when not reported
     * @param hot               its virtio-mem device, or null without one
     * @param memoryStallMicros its memory stall total (PSI some of its own cgroup), or {@link VmView#UNKNOWN}
     */
    public static VmSample of(VmSettings s, long actualBytes, QemuProcessStats p, long activeBytes, long guestFreeBytes,
                              long guestTotalBytes, long guestAvailBytes, HotplugMemory hot, long memoryStallMicros) {
        long rss = p == null ? -1 : p.rssBytes();
        long profit = p == null ? 0 : Math.max(0, p.ksmProfitBytes());
        // QEMU's balloon works within the boot memory: actual = boot - balloon; plugged memory comes on top
        long balloon = Math.max(0, (hot != null ? hot.bootBytes() : s.configuredBytes()) - actualBytes);
        long guest = actualBytes + (hot != null ? hot.pluggedBytes() : 0);
        long granted = rss >= 0 ? Math.min(rss, guest) : guest;
        long consumed = rss >= 0 ? TrackedVm.consumedBytes(guest, rss, profit) : guest;
        long act = activeBytes >= 0 ? Math.min(activeBytes, granted) : granted;
        long guestFree = guestFreeBytes >= 0 ? guestFreeBytes : VmView.UNKNOWN;
        long guestUsed = guestTotalBytes >= 0 && guestAvailBytes >= 0 ? Math.max(0, guestTotalBytes - guestAvailBytes) : VmView.UNKNOWN;
        VmView v = new VmView(s, granted, consumed, balloon, p == null ? 0 : p.swapBytes(), 0, act, guestFree, guestUsed, hot, memoryStallMicros);
        return new VmSample(v, actualBytes, profit, p == null ? 0 : p.ksmMergingPages() * PAGE, p == null ? 0 : p.vcpuTicks(),
                guestTotalBytes, p == null ? -1 : p.pid(), p == null ? 0 : p.processTicks());
    }
}
