package dev.memvisor.measure.esxtop;

import java.util.List;

/**
 * The result of analysing an esxtop batch export.
 *
 * @param file       the file analysed, as given
 * @param times      sample times, UTC epoch milliseconds
 * @param host       the host's counters
 * @param vms        one report per VM, in the order esxtop lists them
 */
public record EsxtopAnalysis(String file, long[] times, EntityReport host, List<EntityReport> vms) {
    /** Copies the VM list. */
    public EsxtopAnalysis {
        vms = List.copyOf(vms);
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
