package dev.memvisor.density.report;

import dev.memvisor.core.unit.Size;
import dev.memvisor.density.DensityBounds;
import dev.memvisor.density.DensityReport;
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

    /** The table as aligned text. */
    public static String text(DensityReport r) {
        List<String> h = header(r);
        List<List<String>> rows = rows(r);
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

    private static String num(double v) {
        return Double.isInfinite(v) ? "inf" : String.format(Locale.ROOT, "%.2f", v);
    }
}
