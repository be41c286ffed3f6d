package dev.memvisor.fleet.report;

import dev.memvisor.fleet.search.Candidate;
import dev.memvisor.fleet.search.FleetResult;
import dev.memvisor.fleet.search.PolicyResult;
import dev.memvisor.sim.report.SvgChart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** report.html: one self-contained page (inline SVG, no scripts, nothing fetched) with the table and charts per policy. */
public final class FleetHtml {
    private FleetHtml() {}

    /** The page. */
    public static String html(FleetResult r) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html><html><head><meta charset='utf-8'><title>memvisor fleet</title>")
                .append("<style>body{font-family:sans-serif;margin:20px;max-width:900px}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f4f4f4}td:first-child{text-align:left}</style>")
                .append("</head><body><h1>memvisor fleet</h1>");
        b.append("<p>").append(SvgChart.esc(FleetTable.headline(r.fleet()))).append(".</p>");
        b.append("<table><tr>");
        for (FleetColumns.Column c : FleetColumns.ALL) b.append("<th>").append(SvgChart.esc(c.header())).append("</th>");
        b.append("</tr>");
        for (PolicyResult p : r.policies()) {
            b.append("<tr>");
            for (FleetColumns.Column c : FleetColumns.ALL) b.append("<td>").append(SvgChart.esc(c.cell().apply(r.fleet(), p))).append("</td>");
            b.append("</tr>");
        }
        b.append("</table><p>Slowdown percentiles are over the VMs at the answer's host count; '!' marks a host count that"
                + " missed the bound. Each host's scenario and summary.json are under <code>hosts/</code>.</p>");

        Map<String, Double> hosts = new LinkedHashMap<>();
        Map<String, Double> swapped = new LinkedHashMap<>();
        Map<String, Double> shared = new LinkedHashMap<>();
        Map<String, Double> balloon = new LinkedHashMap<>();
        Map<String, Double> pct = new LinkedHashMap<>();
        Map<String, Double> search = new LinkedHashMap<>();
        for (PolicyResult p : r.policies()) {
            if (p.hostsNeeded() != null) hosts.put(p.policy(), (double) p.hostsNeeded());
            Candidate a = p.answer();
            if (a != null) {
                swapped.put(p.policy(), a.peakSwappedBytes() / 1073741824.0);
                balloon.put(p.policy(), a.peakBalloonBytes() / 1073741824.0);
                shared.put(p.policy(), a.sharedSavedBytes() / 1073741824.0);
                for (int q : new int[] {50, 90, 99}) pct.put(p.policy() + " p" + q, a.slowdownPercentile(q));
                pct.put(p.policy() + " max", a.maxSlowdown());
            }
            p.tried().stream().sorted(java.util.Comparator.comparingInt(Candidate::hosts))
                    .forEach(c -> search.put(p.policy() + " " + c.hosts() + " hosts" + (c.pass() ? "" : " !"), c.maxSlowdown()));
        }
        b.append("<h2>Hosts needed</h2>").append(SvgChart.bars("fewest hosts with every VM's slowdown <= "
                + FleetColumns.fmt(r.fleet().slowdownBound(), 2), hosts));
        b.append("<h2>Slowdown at the answer</h2>").append(SvgChart.bars("percentiles of the VMs' slowdown", pct));
        b.append("<h2>Search</h2>").append(SvgChart.bars("largest VM slowdown per host count tried ('!' = over the bound)", search));
        b.append("<h2>Memory at the answer</h2>")
                .append(SvgChart.bars("hypervisor-swapped GB (sum of each VM's peak)", swapped))
                .append(SvgChart.bars("balloon GB (sum of each VM's peak)", balloon))
                .append(SvgChart.bars("shared GB (sum over hosts of the mean saved by page sharing)", shared));
        if (!r.fleet().absent().isEmpty()) {
            b.append("<h2>VMs absent at the window's start</h2><ul>");
            for (String a : r.fleet().absent()) b.append("<li>").append(SvgChart.esc(a)).append("</li>");
            b.append("</ul>");
        }
        return b.append("</body></html>\n").toString();
    }

    /** Writes report.html into {@code dir}. */
    public static void write(FleetResult r, Path dir) throws IOException {
        Files.writeString(dir.resolve("report.html"), html(r));
    }
}
