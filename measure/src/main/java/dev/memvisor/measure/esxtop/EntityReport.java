package dev.memvisor.measure.esxtop;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The analysed counters of the host or of one VM: a time series per metric (NaN where esxtop wrote
 * nothing), with last, mean and max, and the flags raised.
 *
 * @param name    the VM's display name, or the host's machine name
 * @param groupId the esxtop group id of the VM, null for the host
 * @param vcpus   the VM's vCPU count (vmx-vcpu worlds), 0 for the host or when the export does not tell
 * @param series  one value per sample for each metric found in the file
 * @param flags   the conditions raised
 */
public record EntityReport(String name, String groupId, int vcpus, Map<EsxtopMetric, double[]> series, List<EsxtopFlag> flags) {
    /** Copies the maps so the report cannot change under its reader. */
    public EntityReport {
        series = Collections.unmodifiableMap(new EnumMap<>(series));
        flags = List.copyOf(flags);
    }

    /** The last non-NaN value of a metric, NaN if there is none. */
    public double last(EsxtopMetric m) {
        double[] s = series.get(m);
        if (s == null) return Double.NaN;
        for (int i = s.length - 1; i >= 0; i--) if (!Double.isNaN(s[i])) return s[i];
        return Double.NaN;
    }

    /** The mean of the non-NaN values of a metric, NaN if there are none. */
    public double mean(EsxtopMetric m) {
        double[] s = series.get(m);
        if (s == null) return Double.NaN;
        double sum = 0;
        int n = 0;
        for (double v : s) if (!Double.isNaN(v)) { sum += v; n++; }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** The largest non-NaN value of a metric, NaN if there is none. */
    public double max(EsxtopMetric m) {
        double[] s = series.get(m);
        if (s == null) return Double.NaN;
        double max = Double.NaN;
        for (double v : s) if (!Double.isNaN(v) && (Double.isNaN(max) || v > max)) max = v;
        return max;
    }
}
