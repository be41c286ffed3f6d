package dev.memvisor.qemu.act;

import java.util.Map;

/**
 * How the plan's "compression allowed" per VM becomes Linux zswap, ESX's per-VM compression cache as a
 * host can have it: zswap is on while any VM may be compressed, its pool cap ({@code max_pool_percent},
 * % of RAM) is the sum of those VMs' caches, each {@code maxFraction} of the VM's configured memory (ESX:
 * a VM's compression cache holds at most 10 % of it, Mem.MemZipMaxPct), and on cgroup v2 each VM's own
 * {@code memory.zswap.max} is its cache (0 for a VM that may not be compressed, whose pages go straight
 * to the swap device). When no VM may be compressed the host's own settings are put back.
 * Sources: Documentation/admin-guide/mm/zswap.rst; cgroup-v2.rst ("memory.zswap.max"); vSphere Resource
 * Management guide ("Memory Compression").
 *
 * @param on             whether zswap should be on for memvisor's VMs
 * @param maxPoolPercent the pool cap, % of the host's RAM (1 to 100)
 */
public record CompressionCache(boolean on, int maxPoolPercent) {

    /**
     * The cache for these VMs.
     *
     * @param allowed        per VM, whether the plan lets its pages be compressed
     * @param configuredBytes per VM, its configured memory
     * @param maxFraction    a VM's cache, fraction of its configured memory
     * @param ramBytes       the host's RAM (MemTotal)
     */
    public static CompressionCache of(Map<String, Boolean> allowed, Map<String, Long> configuredBytes, double maxFraction, long ramBytes) {
        double cache = 0;
        boolean any = false;
        for (var e : allowed.entrySet()) {
            if (!e.getValue()) continue;
            any = true;
            cache += maxFraction * configuredBytes.getOrDefault(e.getKey(), 0L);
        }
        int pct = ramBytes <= 0 ? 100 : (int) Math.ceil(100 * cache / ramBytes);
        return new CompressionCache(any, Math.max(1, Math.min(100, pct)));
    }

    /** A VM's own cap on its compressed pool (cgroup v2 memory.zswap.max), bytes of compressed memory. */
    public static long vmCapBytes(boolean allowed, long configuredBytes, double maxFraction) {
        return allowed ? (long) (maxFraction * configuredBytes) : 0;
    }
}
