package dev.memvisor.measure.esxtop;

import java.util.List;

/**
 * The result of analysing an esxtop batch export.
 *
 * @param file       the file analysed, as given
 * @param times      sample times, UTC epoch milliseconds
 * @param host       the host's counters
 * @param vms        one report per VM, in the order esxtop lists them
 * @param warnings   what the analyst should know about the file itself (e.g. a Kernel State that contradicts free memory)
 */
public record EsxtopAnalysis(String file, long[] times, EntityReport host, List<EntityReport> vms, List<String> warnings) {
    /** Copies the lists. */
    public EsxtopAnalysis {
        vms = List.copyOf(vms);
        warnings = List.copyOf(warnings);
    }

    /** The host memory state of the last sample that has one, null if the export has no Kernel State. */
    public EsxtopMemoryState lastMemoryState() {
        return EsxtopMemoryState.ofKernelState(host.last(EsxtopMetric.HOST_STATE));
    }

    /** The worst host memory state of the capture, null if the export has no Kernel State. */
    public EsxtopMemoryState worstMemoryState() {
        return EsxtopMemoryState.ofKernelState(host.max(EsxtopMetric.HOST_STATE));
    }

    /** Free memory as a percentage of minFree in the last sample that has both, NaN if the export lacks either. */
    public double lastFreePctOfMinFree() {
        double[] free = host.series().get(EsxtopMetric.HOST_FREE), min = host.series().get(EsxtopMetric.HOST_MIN_FREE);
        if (free == null || min == null) return Double.NaN;
        for (int i = free.length - 1; i >= 0; i--) if (!Double.isNaN(free[i]) && min[i] > 0) return 100 * free[i] / min[i];
        return Double.NaN;
    }

    /** Median spacing of the samples in seconds, NaN with fewer than two samples. */
    public double intervalSeconds() {
        if (times.length < 2) return Double.NaN;
        long[] d = new long[times.length - 1];
        for (int i = 1; i < times.length; i++) d[i - 1] = times[i] - times[i - 1];
        java.util.Arrays.sort(d);
        return d[d.length / 2] / 1000.0;
    }
}
