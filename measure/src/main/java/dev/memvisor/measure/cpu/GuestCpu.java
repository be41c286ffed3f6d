package dev.memvisor.measure.cpu;

import dev.memvisor.measure.series.IntervalSeries;

import java.util.Map;

/**
 * What a guest says about its own CPU.
 *
 * @param totalPct  average {@code % Processor Time} over all processors ({@code Processor(_Total)}), 0-100
 * @param vcpus     processors the guest sees, or 0 if the file does not tell
 * @param processes per process {@code % Processor Time}, in % of one processor (perfmon's convention)
 */
public record GuestCpu(IntervalSeries totalPct, int vcpus, Map<String, IntervalSeries> processes) {
    /** Copies the process map, keeping its order. */
    public GuestCpu {
        processes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(processes));
    }
}
