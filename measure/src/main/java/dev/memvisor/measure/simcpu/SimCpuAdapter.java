package dev.memvisor.measure.simcpu;

import dev.memvisor.measure.cpu.CorrectionResult;
import dev.memvisor.measure.cpu.CorrectionWindow;
import dev.memvisor.measure.cpu.GuestCpu;
import dev.memvisor.measure.series.IntervalSeries;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Feeds a simulator recording into the correction: the host side is {@code hostCpuPct}, the guest side
 * the reported figures; the true figures are the ground truth the corrected ones are scored against.
 */
public final class SimCpuAdapter {
    private SimCpuAdapter() {}

    /** The host's measurement of the VM, % of one processor. */
    public static IntervalSeries host(SimVmCpu vm) {
        return new IntervalSeries(vm.times(), vm.hostPct());
    }

    /** What the guest reports: its total as a per-processor average (as perfmon's Processor(_Total)) and its processes. */
    public static GuestCpu guest(SimVmCpu vm) {
        double[] perProcessor = vm.reportedTotal().clone();
        for (int i = 0; i < perProcessor.length; i++) perProcessor[i] /= vm.vcpus();
        Map<String, IntervalSeries> procs = new LinkedHashMap<>();
        vm.reportedByProcess().forEach((name, v) -> procs.put(name, new IntervalSeries(vm.times(), v)));
        return new GuestCpu(new IntervalSeries(vm.times(), perProcessor), vm.vcpus(), procs);
    }

    /** Mean absolute errors of the process-level CPU, over all windows and processes, against the truth. */
    public record Errors(double reportedMae, double correctedMae, int samples) {
        /** How many times smaller the corrected error is than the reported one. */
        public double improvement() {
            return correctedMae == 0 ? Double.POSITIVE_INFINITY : reportedMae / correctedMae;
        }
    }

    /** Scores a correction of {@code vm} against its true per-process CPU, window by window. */
    public static Errors score(SimVmCpu vm, CorrectionResult result) {
        double rep = 0, cor = 0;
        int n = 0;
        double[] cov = new double[1];
        for (CorrectionWindow w : result.windows()) {
            if (Double.isNaN(w.w())) continue;
            for (Map.Entry<String, CorrectionWindow.ProcessCpu> p : w.processes().entrySet()) {
                double[] truth = vm.trueByProcess().get(p.getKey());
                if (truth == null) continue;
                double t = new IntervalSeries(vm.times(), truth).shifted(result.offsetMillis()).average(w.start(), w.end(), cov);
                if (Double.isNaN(t)) continue;
                rep += Math.abs(p.getValue().reportedPct() - t);
                cor += Math.abs(p.getValue().correctedPct() - t);
                n++;
            }
        }
        return n == 0 ? new Errors(Double.NaN, Double.NaN, 0) : new Errors(rep / n, cor / n, n);
    }
}
