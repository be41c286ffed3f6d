package dev.memvisor.sim.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the outputs of {@code memvisor compare}: summary.json with one entry per policy (each
 * entry the run's summary plus memory reclaimed by each mechanism) and a side-by-side report.html.
 */
public final class CompareWriter {
    private CompareWriter() {}

    /** Memory reclaimed by each mechanism in one run, bytes: peak balloon, peak swapped, peak compressed, mean saved by sharing. */
    static ObjectNode reclaimed(SimResult r) {
        ObjectNode o = SummaryWriter.JSON.createObjectNode();
        o.put("balloonBytes", Num.bytes(r.vms.stream().mapToDouble(v -> v.max(VmCounter.MCTLSZ)).sum()));
        o.put("swappedBytes", Num.bytes(r.vms.stream().mapToDouble(v -> v.max(VmCounter.SWCUR)).sum()));
        o.put("compressedBytes", Num.bytes(r.vms.stream().mapToDouble(v -> v.max(VmCounter.ZIP)).sum()));
        o.put("sharedSavedBytes", Num.bytes(SummaryWriter.mean(r.series(HostCounter.SHARED_SAVED))));
        return o;
    }

    /** The comparison as a JSON tree. */
    public static ObjectNode summary(List<SimResult> runs) {
        ObjectNode root = SummaryWriter.JSON.createObjectNode();
        root.set("scenario", SummaryWriter.JSON.valueToTree(runs.get(0).scenario.spec()));
        ArrayNode arr = root.putArray("policies");
        for (SimResult r : runs) {
            ObjectNode s = SummaryWriter.summary(r);
            s.remove("scenario");
            s.set("reclaimed", reclaimed(r));
            arr.add(s);
        }
        return root;
    }

    /** Writes summary.json and report.html into {@code dir}. */
    public static void write(List<SimResult> runs, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("summary.json"), SummaryWriter.JSON.writeValueAsString(summary(runs)) + "\n");
        Files.writeString(dir.resolve("report.html"), html(runs));
    }

    private static String html(List<SimResult> runs) {
        StringBuilder b = new StringBuilder("<!DOCTYPE html><html><head><meta charset='utf-8'><title>memvisor compare</title>"
                + "<style>body{font-family:sans-serif;margin:20px;max-width:900px}table{border-collapse:collapse;margin-bottom:16px}"
                + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f4f4f4}td:first-child{text-align:left}</style>"
                + "</head><body><h1>memvisor compare</h1>");
        b.append("<h2>Slowdown per VM</h2><table><tr><th>VM</th>");
        for (SimResult r : runs) b.append("<th>").append(SvgChart.esc(r.policy)).append("</th>");
        b.append("</tr>");
        for (int i = 0; i < runs.get(0).vms.size(); i++) {
            b.append("<tr><td>").append(SvgChart.esc(runs.get(0).vms.get(i).name)).append("</td>");
            for (SimResult r : runs) b.append("<td>").append(Num.fmt(r.vms.get(i).slowdown, 2)).append("</td>");
            b.append("</tr>");
        }
        b.append("</table><h2>Memory reclaimed by each mechanism (MB)</h2><table><tr><th>mechanism</th>");
        for (SimResult r : runs) b.append("<th>").append(SvgChart.esc(r.policy)).append("</th>");
        b.append("</tr>");
        String[][] rows = {{"balloon (peak, all VMs)", "balloonBytes"}, {"hypervisor swap (peak)", "swappedBytes"},
                {"compression (peak)", "compressedBytes"}, {"page sharing (mean saved)", "sharedSavedBytes"}};
        for (String[] row : rows) {
            b.append("<tr><td>").append(row[0]).append("</td>");
            for (SimResult r : runs) b.append("<td>").append(Num.fmt(reclaimed(r).get(row[1]).asLong() / 1048576.0, 0)).append("</td>");
            b.append("</tr>");
        }
        b.append("<tr><td>host swap used (peak)</td>");
        for (SimResult r : runs) b.append("<td>").append(Num.fmt(SummaryWriter.max(r.series(HostCounter.SWAP_USED)), 0)).append("</td>");
        b.append("</tr></table>");
        Map<String, Double> mean = new LinkedHashMap<>();
        for (SimResult r : runs) mean.put(r.policy, r.vms.stream().mapToDouble(v -> v.slowdown).average().orElse(1));
        b.append(SvgChart.bars("mean slowdown per policy", mean));
        b.append("<p>Each policy's full outputs (report.html, timeseries.csv, ...) are in the folder of its name.</p>");
        return b.append("</body></html>\n").toString();
    }
}
