package dev.memvisor.core.state;

import dev.memvisor.core.model.MemoryThresholds;

/**
 * Later ESX's thresholds, scaled from "minFree" instead of fixed percentages: minFree is 6 % of
 * the first 4 GiB of machine memory, 4 % of 4-12 GiB, 2 % of 12-28 GiB and 1 % beyond (899 MB for the
 * first 28 GB). ESX 5: the host is high at or above minFree, and soft, hard and low below 64 %, 32 % and
 * 16 % of it. ESXi 6.0 added the clear state below 100 % of minFree and returns to high only at 400 %.
 * Sources: VMware vSphere 5/6 Resource Management guides, "Memory reclamation" (minFree); Duncan Epping,
 * "What happens at which vSphere memory state?", Yellow Bricks, 2015 (high 400 %, clear 100 %, soft 64 %,
 * hard 32 %, low 16 % of minFree).
 */
public final class MinFreeThresholds {
    private static final long GIB = 1L << 30;

    private MinFreeThresholds() {}

    /** minFree in bytes for a host of {@code machineBytes}. */
    public static long minFreeBytes(long machineBytes) {
        if (machineBytes <= 0) throw new IllegalArgumentException("machineBytes must be > 0, got " + machineBytes);
        double free = 0.06 * Math.min(machineBytes, 4 * GIB)
                + 0.04 * clamp(machineBytes - 4 * GIB, 8 * GIB)
                + 0.02 * clamp(machineBytes - 12 * GIB, 16 * GIB)
                + 0.01 * Math.max(0, machineBytes - 28 * GIB);
        return Math.round(free);
    }

    /** ESX 5's four states as fractions of {@code machineBytes}: high 100 %, soft 64 %, hard 32 %, low 16 % of minFree. */
    public static MemoryThresholds forMachine(long machineBytes) {
        double minFree = (double) minFreeBytes(machineBytes) / machineBytes;
        return new MemoryThresholds(minFree, 0.64 * minFree, 0.32 * minFree, 0.16 * minFree);
    }

    /** ESXi 6's five states as fractions of {@code machineBytes}: high 400 %, clear 100 %, soft 64 %, hard 32 %, low 16 % of minFree. */
    public static MemoryThresholds esxi6(long machineBytes) {
        double minFree = (double) minFreeBytes(machineBytes) / machineBytes;
        return new MemoryThresholds(Math.min(0.99, 4 * minFree), minFree, 0.64 * minFree, 0.32 * minFree, 0.16 * minFree);
    }

    private static long clamp(long v, long max) {
        return Math.max(0, Math.min(v, max));
    }
}
