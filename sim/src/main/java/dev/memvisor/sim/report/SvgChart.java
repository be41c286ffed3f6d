package dev.memvisor.sim.report;

import java.util.List;
import java.util.Map;

/** Inline SVG line and bar charts, so report.html needs nothing but a browser (the fleet report uses the bars too). */
public final class SvgChart {
    private static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
            "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    private static final String[] STATE_FILL = {"#ffffff", "#fff4cc", "#ffd9b3", "#ffb3b3"};
    private static final int W = 760, H = 260, L = 60, R = 150, T = 28, B = 30;

    private SvgChart() {}

    /** A line chart of {@code series} over {@code times}; {@code states}, when given, shades the background by host state. */
    static String lines(String title, String unit, List<Double> times, Map<String, List<Double>> series, List<Double> states) {
        double tMax = times.isEmpty() ? 1 : Math.max(1e-9, times.get(times.size() - 1));
        double yMax = 0;
        for (List<Double> s : series.values()) for (double v : s) yMax = Math.max(yMax, v);
        yMax = yMax <= 0 ? 1 : yMax * 1.05;
        int pw = W - L - R, ph = H - T - B;
        StringBuilder sb = new StringBuilder();
        sb.append("<svg xmlns='http://www.w3.org/2000/svg' width='").append(W).append("' height='").append(H).append("'>");
        sb.append("<text x='").append(L).append("' y='18' font-weight='bold'>").append(esc(title)).append("</text>");
        if (states != null) {
            for (int i = 0; i < times.size(); i++) {
                int st = (int) Math.round(states.get(i));
                if (st == 0) continue;
                double x0 = L + (i == 0 ? 0 : times.get(i - 1)) / tMax * pw;
                double x1 = L + times.get(i) / tMax * pw;
                sb.append(String.format(java.util.Locale.ROOT, "<rect x='%.1f' y='%d' width='%.1f' height='%d' fill='%s'/>",
                        x0, T, Math.max(0.5, x1 - x0), ph, STATE_FILL[Math.min(3, st)]));
            }
        }
        sb.append("<rect x='").append(L).append("' y='").append(T).append("' width='").append(pw).append("' height='").append(ph)
                .append("' fill='none' stroke='#888'/>");
        for (int k = 0; k <= 4; k++) {
            double v = yMax * k / 4;
            double y = T + ph - ph * k / 4.0;
            sb.append(String.format(java.util.Locale.ROOT, "<text x='%d' y='%.1f' font-size='10' text-anchor='end'>%s</text>", L - 4, y + 3, Num.fmt(v, 1)));
            sb.append(String.format(java.util.Locale.ROOT, "<line x1='%d' x2='%d' y1='%.1f' y2='%.1f' stroke='#eee'/>", L, L + pw, y, y));
        }
        sb.append("<text x='").append(L + pw / 2).append("' y='").append(H - 6).append("' font-size='11' text-anchor='middle'>simulated seconds (0 to ")
                .append(Num.fmt(tMax, 0)).append(") · ").append(esc(unit)).append("</text>");
        int c = 0;
        for (Map.Entry<String, List<Double>> e : series.entrySet()) {
            String color = COLORS[c % COLORS.length];
            StringBuilder pts = new StringBuilder();
            List<Double> ys = e.getValue();
            for (int i = 0; i < ys.size() && i < times.size(); i++) {
                pts.append(String.format(java.util.Locale.ROOT, "%.1f,%.1f ", L + times.get(i) / tMax * pw, T + ph - ys.get(i) / yMax * ph));
            }
            sb.append("<polyline fill='none' stroke='").append(color).append("' stroke-width='1.5' points='").append(pts).append("'/>");
            if (c < 14) {
                sb.append("<text x='").append(L + pw + 8).append("' y='").append(T + 12 + 14 * c).append("' font-size='11' fill='")
                        .append(color).append("'>").append(esc(e.getKey())).append("</text>");
            }
            c++;
        }
        return sb.append("</svg>").toString();
    }

    /** A horizontal bar chart of one value per name. */
    public static String bars(String title, Map<String, Double> values) {
        double max = values.values().stream().mapToDouble(Double::doubleValue).max().orElse(1);
        max = max <= 0 ? 1 : max;
        int rowH = 18, h = T + rowH * values.size() + 10;
        StringBuilder sb = new StringBuilder("<svg xmlns='http://www.w3.org/2000/svg' width='" + W + "' height='" + h + "'>");
        sb.append("<text x='").append(L).append("' y='18' font-weight='bold'>").append(esc(title)).append("</text>");
        int i = 0;
        for (Map.Entry<String, Double> e : values.entrySet()) {
            double w = (W - 260) * e.getValue() / max;
            int y = T + i * rowH;
            sb.append("<text x='150' y='").append(y + 13).append("' font-size='11' text-anchor='end'>").append(esc(e.getKey())).append("</text>");
            sb.append(String.format(java.util.Locale.ROOT, "<rect x='155' y='%d' width='%.1f' height='%d' fill='%s'/>", y + 2, w, rowH - 4, COLORS[0]));
            sb.append(String.format(java.util.Locale.ROOT, "<text x='%.1f' y='%d' font-size='11'>%s</text>", 160 + w, y + 13, Num.fmt(e.getValue(), 2)));
            i++;
        }
        return sb.append("</svg>").toString();
    }

    /** {@code s} escaped for HTML and SVG text. */
    public static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;");
    }
}
