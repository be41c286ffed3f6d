package dev.memvisor.core.state;

import dev.memvisor.core.model.MemoryThresholds;

/**
 * Later ESX's thresholds, scaled from "minFree" instead of fixed percentages: minFree is 6 % of
 * the first 4 GiB of machine memory, 4 % of 4-12 GiB, 2 % of 12-28 GiB and 1 % beyond; the host is
 * high at or above minFree, and soft, hard and low below 64 %, 32 % and 16 % of it.
 * Source: VMware vSphere 6 Resource Management guide, "Memory reclamation" (minFree).
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

    /** The thresholds as fractions of {@code machineBytes}. */
    public static MemoryThresholds forMachine(long machineBytes) {
        double minFree = (double) minFreeBytes(machineBytes) / machineBytes;
        return new MemoryThresholds(minFree, 0.64 * minFree, 0.32 * minFree, 0.16 * minFree);
    }

    private static long clamp(long v, long max) {
        return Math.max(0, Math.min(v, max));
    }
}
