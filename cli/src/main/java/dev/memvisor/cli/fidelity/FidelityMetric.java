package dev.memvisor.cli.fidelity;

import dev.memvisor.core.counter.Counter;
import dev.memvisor.measure.cpu.CorrectionResult;
import dev.memvisor.measure.cpu.CorrectionWindow;
import dev.memvisor.measure.cpu.CpuCorrector;
import dev.memvisor.measure.simcpu.SimCpuAdapter;
import dev.memvisor.measure.simcpu.SimCpuCsvReader;
import dev.memvisor.measure.simcpu.SimVmCpu;
import dev.memvisor.sim.report.CpuCsvWriter;
import dev.memvisor.sim.report.SimResult;
import dev.memvisor.sim.report.SummaryWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/** How a row's simulated figure is measured from its run (and baseline). */
enum FidelityMetric {
    /** Mean slowdown of the VMs named with the row's prefix, over the same in the baseline: "N times slower than standalone". */
    SLOWDOWN_RATIO("slowdownRatio", true) {
        @Override double measure(FidelityManifest.Row row, SimResult run, SimResult base) {
            return meanSlowdown(run, row.vm) / meanSlowdown(base, row.vm);
        }
    },
    /** Work the row's VM did in the run over the baseline, in the same simulated time: "throughput rose by N %". */
    THROUGHPUT_RATIO("throughputRatio", true) {
        @Override double measure(FidelityManifest.Row row, SimResult run, SimResult base) {
            return (double) run.vm(row.vm).refs / base.vm(row.vm).refs;
        }
    },
    /** Mean memory the row's VM holds (granted) over the other VM's, over the second half of the run: "the same allocation". */
    ALLOCATION_RATIO("allocationRatio", false) {
        @Override double measure(FidelityManifest.Row row, SimResult run, SimResult base) {
            return tailMean(run.vm(row.vm).series(Counter.GRANT), 0.5) / tailMean(run.vm(row.other).series(Counter.GRANT), 0.5);
        }
    },
    /** Guest memory mapped to shared pages over all configured guest memory, over the last quarter of the run. */
    SHARED_FRACTION("sharedFraction", false) {
        @Override double measure(FidelityManifest.Row row, SimResult run, SimResult base) {
            double shared = 0, configured = 0;
            for (SimResult.VmRecord v : run.vms) {
                shared += tailMean(v.series(Counter.SHRD), 0.25);
                configured += v.configuredBytes / 1048576.0;
            }
            return shared / configured;
        }
    },
    /** The correction factor w that correct-cpu finds for the row's VM (host CPU over guest-reported, 5-minute windows, mean). */
    GUEST_CPU_W("guestCpuW", false) {
        @Override double measure(FidelityManifest.Row row, SimResult run, SimResult base) {
            try {
                Path dir = Files.createTempDirectory("memvisor-fidelity-cpu");
                try {
                    CpuCsvWriter.write(run, dir);
                    SimVmCpu vm = SimCpuCsvReader.read(dir.resolve("cpu.csv")).get(row.vm);
                    if (vm == null) throw new IllegalArgumentException("no VM " + row.vm + " in the run");
                    CorrectionResult r = CpuCorrector.correct(row.vm, SimCpuAdapter.host(vm), SimCpuAdapter.guest(vm), vm.vcpus(), 0, false,
                            CpuCorrector.RECOMMENDED_WINDOW_MILLIS);
                    return r.windows().stream().mapToDouble(CorrectionWindow::w).filter(Double::isFinite).average().orElse(Double.NaN);
                } finally {
                    try (var files = Files.list(dir)) {
                        for (Path p : (Iterable<Path>) files::iterator) Files.deleteIfExists(p);
                    }
                    Files.deleteIfExists(dir);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    },
    /** Peak memory saved by sharing in the run over the baseline's: "finds more pages to share". */
    SAVED_RATIO("savedRatio", true) {
        @Override double measure(FidelityManifest.Row row, SimResult run, SimResult base) {
            return max(run.series(Counter.HOST_PSHARE_SAVING)) / max(base.series(Counter.HOST_PSHARE_SAVING));
        }
    },
    /** Seconds until sharing reached its peak saving in the run over the baseline's: "finds them faster". */
    CONVERGENCE_TIME_RATIO("convergenceTimeRatio", true) {
        @Override double measure(FidelityManifest.Row row, SimResult run, SimResult base) {
            return SummaryWriter.sharingScan(run).get("secondsToPeakSaved").asDouble()
                    / SummaryWriter.sharingScan(base).get("secondsToPeakSaved").asDouble();
        }
    },
    /** The most memory the host held in its swap at once, MB. */
    PEAK_SWAPPED_MB("peakSwappedMb", false) {
        @Override double measure(FidelityManifest.Row row, SimResult run, SimResult base) {
            return max(run.series(Counter.HOST_SWCUR));
        }
    };

    private final String key;
    private final boolean needsBaseline;

    FidelityMetric(String key, boolean needsBaseline) {
        this.key = key;
        this.needsBaseline = needsBaseline;
    }

    /** The manifest's name for it. */
    String key() { return key; }

    /** Whether the row must name a baseline run. */
    boolean needsBaseline() { return needsBaseline; }

    /** The simulated figure of {@code row} from its run and baseline (null when it has none). */
    abstract double measure(FidelityManifest.Row row, SimResult run, SimResult base);

    /** The metric a manifest names, or an error listing the names. */
    static FidelityMetric of(String key) {
        for (FidelityMetric m : values()) if (m.key.equals(key)) return m;
        throw new IllegalArgumentException("unknown metric '" + key + "', expected one of "
                + String.join(", ", java.util.Arrays.stream(values()).map(FidelityMetric::key).toList()));
    }

    private static double meanSlowdown(SimResult r, String prefix) {
        Predicate<String> named = n -> prefix == null || n.startsWith(prefix);
        return r.vms.stream().filter(v -> named.test(v.name)).mapToDouble(v -> v.slowdown).average()
                .orElseThrow(() -> new IllegalArgumentException(String.format(Locale.ROOT, "no VM named %s* in the run", prefix)));
    }

    private static double max(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** Mean of the last {@code fraction} of {@code xs}. */
    static double tailMean(List<Double> xs, double fraction) {
        int from = (int) Math.floor(xs.size() * (1 - fraction));
        return xs.subList(Math.min(from, xs.size() - 1), xs.size()).stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}
