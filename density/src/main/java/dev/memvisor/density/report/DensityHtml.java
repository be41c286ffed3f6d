package dev.memvisor.density.report;

import dev.memvisor.core.unit.Size;
import dev.memvisor.density.DensityBounds;
import dev.memvisor.density.DensityReport;
import dev.memvisor.density.ModelVsMeasured;
import dev.memvisor.density.PolicyResult;
import dev.memvisor.density.StepResult;
import dev.memvisor.report.BarChart;
import dev.memvisor.report.ReportPage;
import dev.memvisor.report.Table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * density.html through the report module: the table, guests admitted per policy (real and
 * simulated side by side), and per policy the 95th percentile slowdown and host swap at each step.
 */
public final class DensityHtml {
    private DensityHtml() {}

    /** Writes density.html into {@code dir}. */
    public static void write(DensityReport r, Path dir) {
        ReportPage page = new ReportPage("memvisor density: " + r.mix().name());
        page.paragraph("Mix " + r.mix().file() + ": " + r.mix().guests().size() + " guests on a host of " + Size.format(r.mix().hostBytes())
                + ", started one at a time until the 95th percentile slowdown passes " + r.bounds().slowdown() + ", a guest is OOM-killed or the host swaps more than "
                + Size.format(r.bounds().hostSwapBytes()) + " in and out during a window. Slowdown = the guest's progress alone with no shortage / its progress here, over a "
                + r.mix().window().toSeconds() + " s window " + r.mix().warmup().toSeconds() + " s after each start."
                + (r.accelerator() == null ? "" : " Real guests on " + r.accelerator() + ".")
                + (r.simulator() == null ? "" : " Simulator engine " + r.simulator() + "."));
        Table t = new Table(DensityTable.header(r));
        for (List<String> row : DensityTable.rows(r)) t.row(row.toArray());
        page.table(t);
        List<String> policies = r.policies();
        BarChart admitted = new BarChart("Guests admitted", "guests", policies);
        if (!r.real().isEmpty()) admitted.series("real", policies.stream().mapToDouble(p -> admitted(r.real(), p)).toArray());
        if (!r.sim().isEmpty()) admitted.series("simulated", policies.stream().mapToDouble(p -> admitted(r.sim(), p)).toArray());
        page.chart(admitted);
        List<ModelVsMeasured.Row> compared = ModelVsMeasured.rows(r);
        if (!compared.isEmpty()) {
            page.paragraph("The simulator against the real guests at each step both measured (error = (sim - real) / real; bands: 15 % for balloons, "
                    + "sharing and host swap, 25 % for progress). The summary counts the steps where the mechanism was at work on either side (bytes >= 1 MiB, progress below 0.98).");
            Table s = new Table(DensityTable.summaryHeader());
            for (List<String> row : DensityTable.summaryRows(ModelVsMeasured.summary(compared))) s.row(row.toArray());
            page.table(s);
            Table m = new Table(DensityTable.modelHeader());
            for (List<String> row : DensityTable.modelRows(compared)) m.row(row.toArray());
            page.table(m);
        }
        steps(page, "real", r.real(), policies);
        steps(page, "simulated", r.sim(), policies);
        try {
            page.write(dir.resolve("density.html"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve("density.html") + ": " + e.getMessage(), e);
        }
    }

    private static double admitted(Map<String, PolicyResult> m, String p) {
        PolicyResult r = m.get(p);
        return r == null ? 0 : r.guestsAdmitted();
    }

    private static void steps(ReportPage page, String where, Map<String, PolicyResult> results, List<String> policies) {
        if (results.isEmpty()) return;
        // the steps some policy measured, not every guest of the mix
        int guests = results.values().stream().mapToInt(r -> r.steps().size()).max().orElse(0);
        if (guests == 0) return;
        List<String> counts = new ArrayList<>();
        for (int n = 1; n <= guests; n++) counts.add(n + " guests");
        BarChart p95 = new BarChart("p95 slowdown at each step (" + where + ")", "x", counts);
        BarChart traffic = new BarChart("Host swap in+out during the window (" + where + ")", "MiB", counts);
        BarChart swap = new BarChart("Host swap used at the window's end (" + where + ")", "MiB", counts);
        for (String p : policies) {
            PolicyResult r = results.get(p);
            if (r == null) continue;
            double[] s = new double[guests], w = new double[guests], t = new double[guests];
            for (StepResult st : r.steps()) {
                double v = st.percentile(DensityBounds.PERCENTILE);
                s[st.guests() - 1] = Double.isInfinite(v) ? 0 : v;
                w[st.guests() - 1] = st.hostSwapBytes() / (double) Size.MIB;
                t[st.guests() - 1] = st.hostSwapTrafficBytes() / (double) Size.MIB;
            }
            p95.series(p, s);
            swap.series(p, w);
            traffic.series(p, t);
        }
        page.chart(p95);
        page.chart(traffic);
        page.chart(swap);
    }
}
