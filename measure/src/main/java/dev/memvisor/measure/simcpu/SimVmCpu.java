package dev.memvisor.measure.simcpu;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One VM's CPU as the simulator recorded it; all percentages of one processor, one value per sample
 * (NaN where a process had no row).
 *
 * @param vm            the VM's name
 * @param vcpus         its vCPUs
 * @param times         sample times, milliseconds of simulated time
 * @param hostPct       host-measured CPU of the whole VM
 * @param trueTotal     real CPU of the VM (the {@code _Total} row)
 * @param reportedTotal the guest's tick-sampled total (the {@code _Total} row)
 * @param trueByProcess real CPU per guest process
 * @param reportedByProcess guest-reported CPU per guest process
 */
public record SimVmCpu(String vm, int vcpus, long[] times, double[] hostPct, double[] trueTotal, double[] reportedTotal,
                       Map<String, double[]> trueByProcess, Map<String, double[]> reportedByProcess) {
    /** Keeps the process maps in first-seen order and read-only. */
    public SimVmCpu {
        trueByProcess = Collections.unmodifiableMap(new LinkedHashMap<>(trueByProcess));
        reportedByProcess = Collections.unmodifiableMap(new LinkedHashMap<>(reportedByProcess));
    }
}
