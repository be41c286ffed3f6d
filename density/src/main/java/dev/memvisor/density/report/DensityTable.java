package dev.memvisor.density.report;

import dev.memvisor.core.unit.Size;
import dev.memvisor.density.DensityBounds;
import dev.memvisor.density.DensityReport;
import dev.memvisor.density.ModelVsMeasured;
import dev.memvisor.density.PolicyResult;
import dev.memvisor.density.StepResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The density run's columns, declared once (name and how each is computed from a policy's real and
 * simulated result), rendered as a text table for the terminal and as the HTML report's table.
 */
public final class DensityTable {
    private DensityTable() {}

    /** The header. */
    public static List<String> header(DensityReport r) {
        List<String> h = new ArrayList<>(List.of("policy"));
        if (!r.real().isEmpty()) h.addAll(List.of("real admitted", "real stop", "real p50", "real p95", "real host swap / in+out", "real balloons", "real shared"));
        if (!r.sim().isEmpty()) h.addAll(List.of("sim admitted", "sim stop", "sim p95", "sim host swap / in+out", "sim balloons", "sim shared"));
        return h;
    }

    /** One row per policy. */
    public static List<List<String>> rows(DensityReport r) {
        List<List<String>> rows = new ArrayList<>();
        for (String p : r.policies()) {
            List<String> row = new ArrayList<>(List.of(p));
            PolicyResult real = r.real().get(p), sim = r.sim().get(p);
            if (!r.real().isEmpty()) {
                StepResult a = real == null ? null : real.admittedStep();
                row.add(real == null ? "" : Integer.toString(real.guestsAdmitted()));
                row.add(real == null ? "" : real.stop().label());
                row.add(a == null ? "-" : num(a.percentile(50)));
                row.add(a == null ? "-" : num(a.percentile(DensityBounds.PERCENTILE)));
                row.add(a == null ? "-" : Size.format(a.hostSwapBytes()) + " / " + Size.format(a.hostSwapTrafficBytes()));
                row.add(a == null ? "-" : Size.format(a.balloonBytes()));
                row.add(a == null ? "-" : Size.format(a.sharedBytes()));
            }
            if (!r.sim().isEmpty()) {
                StepResult a = sim == null ? null : sim.admittedStep();
                row.add(sim == null ? "" : Integer.toString(sim.guestsAdmitted()));
                row.add(sim == null ? "" : sim.stop().label());
                row.add(a == null ? "-" : num(a.percentile(DensityBounds.PERCENTILE)));
                row.add(a == null ? "-" : Size.format(a.hostSwapBytes()) + " / " + Size.format(a.hostSwapTrafficBytes()));
                row.add(a == null ? "-" : Size.format(a.balloonBytes()));
                row.add(a == null ? "-" : Size.format(a.sharedBytes()));
            }
            rows.add(row);
        }
        return rows;
    }

    /** The model-vs-measured table's header. */
    public static List<String> modelHeader() {
        return List.of("policy", "guests", "quantity", "real", "sim", "error", "band");
    }

    /** One row per policy, step and quantity compared. */
    public static List<List<String>> modelRows(List<ModelVsMeasured.Row> compared) {
        List<List<String>> rows = new ArrayList<>();
        for (ModelVsMeasured.Row x : compared) {
            rows.add(List.of(x.policy(), Integer.toString(x.guests()), x.quantity().label(), value(x.quantity(), x.real()), value(x.quantity(), x.sim()),
                    error(x.error()), x.within() ? "within" : "outside"));
        }
        return rows;
    }

    /** The model-vs-measured summary's header. */
    public static List<String> summaryHeader() {
        return List.of("quantity", "steps", "within band", "median |error|", "band", "verdict");
    }

    /** One row per quantity. */
    public static List<List<String>> summaryRows(List<ModelVsMeasured.Summary> summary) {
        List<List<String>> rows = new ArrayList<>();
        for (ModelVsMeasured.Summary s : summary) {
            rows.add(List.of(s.quantity().label(), Integer.toString(s.rows()), Integer.toString(s.within()),
                    Double.isNaN(s.medianError()) ? "-" : Double.isInfinite(s.medianError()) ? "undefined (real 0)" : pct(s.medianError()),
                    pct(s.quantity().band()), s.rows() == 0 ? "-" : s.pass() ? "pass" : "miss"));
        }
        return rows;
    }

    /** The simulator against real guests as text (empty when only one of them ran). */
    public static String modelText(DensityReport r) {
        List<ModelVsMeasured.Row> compared = ModelVsMeasured.rows(r);
        if (compared.isEmpty()) return "";
        return "\nmodel vs measured, at each step both ran (error = (sim - real) / real):\n" + align(modelHeader(), modelRows(compared))
                + "\nsummary over the steps where the mechanism was at work on either side (bytes >= 1 MiB, progress below 0.98):\n"
                + align(summaryHeader(), summaryRows(ModelVsMeasured.summary(compared)));
    }

    /** The table as aligned text. */
    public static String text(DensityReport r) {
        return align(header(r), rows(r));
    }

    private static String align(List<String> h, List<List<String>> rows) {
        int[] w = new int[h.size()];
        for (int i = 0; i < h.size(); i++) w[i] = h.get(i).length();
        for (List<String> row : rows) for (int i = 0; i < row.size(); i++) w[i] = Math.max(w[i], row.get(i).length());
        StringBuilder b = new StringBuilder();
        line(b, h, w);
        for (List<String> row : rows) line(b, row, w);
        return b.toString();
    }

    private static void line(StringBuilder b, List<String> cells, int[] w) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) b.append("  ");
            b.append(String.format(Locale.ROOT, "%-" + w[i] + "s", cells.get(i)));
        }
        b.append('\n');
    }

    private static String value(ModelVsMeasured.Quantity q, double v) {
        return q.bytes() ? Size.format((long) v) : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String error(double e) {
        return Double.isNaN(e) ? "real 0" : (e >= 0 ? "+" : "") + pct(e);
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.0f %%", v * 100);
    }

    private static String num(double v) {
        return Double.isInfinite(v) ? "inf" : String.format(Locale.ROOT, "%.2f", v);
    }
}
