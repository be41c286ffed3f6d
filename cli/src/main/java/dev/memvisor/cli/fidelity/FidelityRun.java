package dev.memvisor.cli.fidelity;

import dev.memvisor.cli.sim.ProgressBar;
import dev.memvisor.settings.SettingsException;
import dev.memvisor.settings.YamlDocument;
import dev.memvisor.sim.engine.Simulation;
import dev.memvisor.sim.report.SimResult;
import dev.memvisor.sim.scenario.Scenario;
import dev.memvisor.sim.scenario.ScenarioLoader;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a fidelity manifest: each row's scenarios (a run shared by several rows runs once), then its metric.
 * Scenarios are read as {@code memvisor simulate} reads them, relative to the manifest.
 */
public final class FidelityRun {
    private final Path manifest;
    private final PrintWriter progress;
    private final Map<String, SimResult> runs = new HashMap<>();

    /** A run of the manifest at {@code manifest}; progress of each simulation goes to {@code progress}. */
    public FidelityRun(Path manifest, PrintWriter progress) {
        this.manifest = manifest;
        this.progress = progress;
    }

    /** Reads the manifest (errors name its file, line and key) and measures every row. */
    public List<FidelityRow> measure() {
        FidelityManifest m;
        try {
            m = YamlDocument.read(manifest).bind(FidelityManifest.class);
        } catch (SettingsException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (m.rows == null || m.rows.isEmpty()) throw new IllegalArgumentException(manifest + ": expected a list of rows");
        List<FidelityRow> out = new ArrayList<>();
        for (int i = 0; i < m.rows.size(); i++) {
            FidelityManifest.Row r = m.rows.get(i);
            String where = manifest + ": rows[" + i + "]" + (r.id == null ? "" : " (" + r.id + ")");
            check(r, where);
            FidelityMetric metric;
            try {
                metric = FidelityMetric.of(r.metric);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ".metric: " + e.getMessage(), e);
            }
            if (metric.needsBaseline() && r.baseline == null) throw new IllegalArgumentException(where + ".baseline: " + r.metric + " needs one");
            SimResult run = result(r.run, where + ".run");
            SimResult base = r.baseline == null ? null : result(r.baseline, where + ".baseline");
            double simulated = metric.measure(r, run, base);
            out.add(new FidelityRow(r.id, r.source, r.claim, r.published, r.unit == null ? "" : r.unit, r.band.get(0), r.band.get(1),
                    simulated, r.expect, r.why == null ? "" : r.why));
        }
        return out;
    }

    private static void check(FidelityManifest.Row r, String where) {
        for (String[] f : new String[][] {{"id", r.id}, {"source", r.source}, {"claim", r.claim}, {"metric", r.metric}}) {
            if (f[1] == null || f[1].isBlank()) throw new IllegalArgumentException(where + "." + f[0] + ": required");
        }
        if (r.published == null) throw new IllegalArgumentException(where + ".published: required");
        if (r.band == null || r.band.size() != 2 || !(r.band.get(0) <= r.band.get(1))) {
            throw new IllegalArgumentException(where + ".band: expected [low, high] with low <= high");
        }
        if (r.run == null || r.run.scenario == null) throw new IllegalArgumentException(where + ".run.scenario: required");
        if (!"pass".equals(r.expect) && !"miss".equals(r.expect)) throw new IllegalArgumentException(where + ".expect: got " + r.expect + ", expected pass or miss");
    }

    private SimResult result(FidelityManifest.Run run, String where) {
        String key = run.scenario + " " + run.set;
        SimResult r = runs.get(key);
        if (r != null) return r;
        Path file = manifest.toAbsolutePath().getParent().resolve(run.scenario);
        Scenario sc;
        try {
            sc = ScenarioLoader.load(file, run.set == null ? List.of() : run.set);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        ProgressBar bar = new ProgressBar(progress, run.scenario + (run.set == null || run.set.isEmpty() ? "" : " " + String.join(" ", run.set)));
        try {
            r = new Simulation(sc).run(bar);
        } finally {
            bar.finish();
        }
        runs.put(key, r);
        return r;
    }
}
