package dev.memvisor.qemu.collect;

import java.util.Map;

/**
 * A VM's memory held compressed by the host (Linux zswap): the guest memory stored compressed (esxtop's
 * ZIP) and the machine memory the compressed copies take (CACHEUSD). On cgroup v2 they are exact, from
 * the VM's cgroup's memory.stat ({@code zswapped}, {@code zswap}); cgroup v1 does not account zswap per
 * group, so there the host's totals (/proc/meminfo Zswapped, Zswap) are shared out in proportion to the
 * VM's part of the used swap: zswap keeps its pages in swap slots, so a process's VmSwap counts them
 * too. The share is an estimate, exact when the VMs are the only users of swap and equally compressible.
 * Sources: Documentation/admin-guide/cgroup-v2.rst (memory.stat), Documentation/filesystems/proc.rst.
 *
 * @param storedBytes  guest memory held compressed (its uncompressed size)
 * @param poolBytes    machine memory the compressed pages take
 * @param source       {@code cgroup} (exact) or {@code estimate} (a share of the host's totals)
 */
public record CompressedSwap(long storedBytes, long poolBytes, String source) {
    /** Nothing compressed. */
    public static final CompressedSwap NONE = new CompressedSwap(0, 0, "none");

    /** From a cgroup v2 memory.stat ({@code zswapped}, {@code zswap}); null when it has no zswap lines. */
    public static CompressedSwap ofCgroup(Map<String, Long> memoryStat) {
        Long stored = memoryStat.get("zswapped"), pool = memoryStat.get("zswap");
        if (stored == null || pool == null) return null;
        return new CompressedSwap(stored, pool, "cgroup");
    }

    /**
     * The VM's share of the host's zswap by its part of the used swap.
     *
     * @param hostStoredBytes /proc/meminfo Zswapped
     * @param hostPoolBytes   /proc/meminfo Zswap
     * @param vmSwapBytes     the VM's QEMU's VmSwap (its swapped pages, compressed ones included)
     * @param hostSwapUsedBytes SwapTotal - SwapFree
     */
    public static CompressedSwap estimate(long hostStoredBytes, long hostPoolBytes, long vmSwapBytes, long hostSwapUsedBytes) {
        if (hostStoredBytes <= 0 || vmSwapBytes <= 0 || hostSwapUsedBytes <= 0) return new CompressedSwap(0, 0, "estimate");
        double share = Math.min(1.0, (double) vmSwapBytes / hostSwapUsedBytes);
        long stored = Math.min(vmSwapBytes, Math.round(hostStoredBytes * share));
        return new CompressedSwap(stored, Math.round(Math.max(0, hostPoolBytes) * share), "estimate");
    }
}
