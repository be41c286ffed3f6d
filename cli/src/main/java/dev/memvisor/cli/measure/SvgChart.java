package dev.memvisor.cli.measure;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Inline SVG line and bar charts, so an HTML report needs no script or network to render. */
final class SvgChart {
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};
    private static final int W = 720, H = 260, LEFT = 60, RIGHT = 150, TOP = 30, BOTTOM = 40;

    private SvgChart() {}

    /** A line chart of series over time (seconds from the first sample on the x axis); NaN values leave gaps. */
    static String line(String title, long[] times, Map<String, double[]> series, String unit) {
        double max = maxOf(series.values());
        double span = times.length < 2 ? 1 : Math.max(1, (times[times.length - 1] - times[0]) / 1000.0);
        StringBuilder s = open(title, max, unit);
        int c = 0;
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            String color = COLORS[c % COLORS.length];
            StringBuilder path = new StringBuilder();
            boolean pen = false;
            double[] v = e.getValue();
            for (int i = 0; i < v.length && i < times.length; i++) {
                if (Double.isNaN(v[i])) { pen = false; continue; }
                double x = LEFT + (times.length < 2 ? 0 : (times[i] - times[0]) / 1000.0 / span) * (W - LEFT - RIGHT);
                double y = y(v[i], max);
                path.append(pen ? " L" : " M").append(fmt(x)).append(',').append(fmt(y));
                pen = true;
                if (v.length <= 50) s.append("<circle cx=\"").append(fmt(x)).append("\" cy=\"").append(fmt(y)).append("\" r=\"2.5\" fill=\"").append(color).append("\"/>");
            }
            s.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"1.5\"/>");
            legend(s, c, e.getKey(), color);
            c++;
        }
        s.append("<text x=\"").append(LEFT).append("\" y=\"").append(H - 8).append("\" font-size=\"11\">0 s</text>");
        s.append("<text x=\"").append(W - RIGHT).append("\" y=\"").append(H - 8).append("\" font-size=\"11\" text-anchor=\"end\">")
                .append(fmt(span)).append(" s</text>");
        return s.append("</svg>").toString();
    }

    /** A grouped bar chart: one group per category, one bar per series. */
    static String bars(String title, List<String> categories, Map<String, double[]> series, String unit) {
        double max = maxOf(series.values());
        StringBuilder s = open(title, max, unit);
        int groups = Math.max(1, categories.size());
        double groupW = (double) (W - LEFT - RIGHT) / groups;
        double barW = groupW * 0.8 / Math.max(1, series.size());
        int c = 0;
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            String color = COLORS[c % COLORS.length];
            for (int g = 0; g < categories.size(); g++) {
                double v = e.getValue()[g];
                if (Double.isNaN(v)) continue;
                double x = LEFT + g * groupW + groupW * 0.1 + c * barW;
                double y = y(v, max);
                s.append("<rect x=\"").append(fmt(x)).append("\" y=\"").append(fmt(y)).append("\" width=\"").append(fmt(barW))
                        .append("\" height=\"").append(fmt(H - BOTTOM - y)).append("\" fill=\"").append(color).append("\"><title>")
                        .append(Html.escape(categories.get(g) + " " + e.getKey() + ": " + fmt(v) + " " + unit)).append("</title></rect>");
            }
            legend(s, c, e.getKey(), color);
            c++;
        }
        for (int g = 0; g < categories.size(); g++) {
            s.append("<text x=\"").append(fmt(LEFT + (g + 0.5) * groupW)).append("\" y=\"").append(H - BOTTOM + 15)
                    .append("\" font-size=\"11\" text-anchor=\"middle\">").append(Html.escape(categories.get(g))).append("</text>");
        }
        return s.append("</svg>").toString();
    }

    private static StringBuilder open(String title, double max, String unit) {
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"").append(H)
                .append("\" viewBox=\"0 0 ").append(W).append(' ').append(H).append("\" role=\"img\">");
        s.append("<title>").append(Html.escape(title)).append("</title>");
        s.append("<text x=\"").append(LEFT).append("\" y=\"18\" font-size=\"13\" font-weight=\"bold\">").append(Html.escape(title)).append("</text>");
        s.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(H - BOTTOM).append("\" x2=\"").append(W - RIGHT).append("\" y2=\"").append(H - BOTTOM).append("\" stroke=\"#444\"/>");
        s.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(TOP).append("\" x2=\"").append(LEFT).append("\" y2=\"").append(H - BOTTOM).append("\" stroke=\"#444\"/>");
        for (int i = 0; i <= 4; i++) {
            double v = max * i / 4;
            double y = y(v, max);
            s.append("<text x=\"").append(LEFT - 5).append("\" y=\"").append(fmt(y + 4)).append("\" font-size=\"10\" text-anchor=\"end\">").append(fmt(v)).append("</text>");
            if (i > 0) s.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(fmt(y)).append("\" x2=\"").append(W - RIGHT).append("\" y2=\"").append(fmt(y)).append("\" stroke=\"#ddd\"/>");
        }
        s.append("<text x=\"12\" y=\"").append(TOP - 6).append("\" font-size=\"10\">").append(Html.escape(unit)).append("</text>");
        return s;
    }

    private static void legend(StringBuilder s, int i, String name, String color) {
        int y = TOP + 14 * i;
        s.append("<rect x=\"").append(W - RIGHT + 10).append("\" y=\"").append(y).append("\" width=\"10\" height=\"10\" fill=\"").append(color).append("\"/>");
        s.append("<text x=\"").append(W - RIGHT + 25).append("\" y=\"").append(y + 9).append("\" font-size=\"11\">").append(Html.escape(name)).append("</text>");
    }

    private static double y(double v, double max) {
        return H - BOTTOM - v / max * (H - TOP - BOTTOM);
    }

    private static double maxOf(Iterable<double[]> all) {
        double max = 0;
        for (double[] a : all) for (double v : a) if (!Double.isNaN(v) && v > max) max = v;
        return max <= 0 ? 1 : max * 1.05;
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) return "";
        if (Math.abs(v) >= 100 || v == Math.rint(v)) return String.format(Locale.ROOT, "%.0f", v);
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static List<String> keys(Map<String, ?> m) {
        return new ArrayList<>(m.keySet());
    }
}
