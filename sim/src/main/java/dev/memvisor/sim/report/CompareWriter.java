package dev.memvisor.sim.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.memvisor.core.counter.Counter;
import dev.memvisor.report.BarChart;
import dev.memvisor.report.ReportPage;
import dev.memvisor.report.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the outputs of {@code memvisor compare}: summary.json with one entry per policy (each
 * entry the run's summary plus memory reclaimed by each mechanism) and a side-by-side report.html.
 */
public final class CompareWriter {
    private CompareWriter() {}

    /** Memory reclaimed by each mechanism in one run, bytes: peak balloon, peak swapped, peak compressed, mean saved by sharing. */
    static ObjectNode reclaimed(SimResult r) {
        ObjectNode o = SummaryWriter.JSON.createObjectNode();
        o.put("balloonBytes", Num.bytes(r.vms.stream().mapToDouble(v -> v.max(Counter.MCTLSZ)).sum()));
        o.put("swappedBytes", Num.bytes(r.vms.stream().mapToDouble(v -> v.max(Counter.SWCUR)).sum()));
        o.put("compressedBytes", Num.bytes(r.vms.stream().mapToDouble(v -> v.max(Counter.ZIP)).sum()));
        o.put("sharedSavedBytes", Num.bytes(SummaryWriter.mean(r.series(Counter.HOST_PSHARE_SAVING))));
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
        List<String> policies = runs.stream().map(r -> r.policy).toList();
        ReportPage p = new ReportPage("memvisor compare");
        p.heading("Slowdown per VM");
        List<String> header = new ArrayList<>(List.of("VM"));
        header.addAll(policies);
        Table slow = new Table(header);
        for (int i = 0; i < runs.get(0).vms.size(); i++) {
            List<Object> row = new ArrayList<>(List.of(runs.get(0).vms.get(i).name));
            for (SimResult r : runs) row.add(Num.fmt(r.vms.get(i).slowdown, 2));
            slow.row(row.toArray());
        }
        p.table(slow);
        List<String> vmNames = runs.get(0).vms.stream().map(v -> v.name).toList();
        BarChart bars = new BarChart("slowdown per VM and policy", "x", vmNames);
        for (SimResult r : runs) bars.series(r.policy, r.vms.stream().mapToDouble(v -> v.slowdown).toArray());
        p.chart(bars);
        p.heading("Memory reclaimed by each mechanism (MB)");
        List<String> mh = new ArrayList<>(List.of("mechanism"));
        mh.addAll(policies);
        Table mech = new Table(mh);
        String[][] rows = {{"balloon (peak, all VMs)", "balloonBytes"}, {"hypervisor swap (peak)", "swappedBytes"},
                {"compression (peak)", "compressedBytes"}, {"page sharing (mean saved)", "sharedSavedBytes"}};
        for (String[] row : rows) {
            List<Object> cells = new ArrayList<>(List.of(row[0]));
            for (SimResult r : runs) cells.add(Num.fmt(reclaimed(r).get(row[1]).asLong() / 1048576.0, 0));
            mech.row(cells.toArray());
        }
        List<Object> swapRow = new ArrayList<>(List.of("host swap used (peak)"));
        for (SimResult r : runs) swapRow.add(Num.fmt(SummaryWriter.max(r.series(Counter.HOST_SWCUR)), 0));
        mech.row(swapRow.toArray());
        p.table(mech);
        p.chart(new BarChart("mean slowdown per policy", "x", policies)
                .series("mean slowdown", runs.stream().mapToDouble(r -> r.vms.stream().mapToDouble(v -> v.slowdown).average().orElse(1)).toArray()));
        p.paragraph("Each policy's full outputs (report.html, timeseries.csv, ...) are in the folder of its name.");
        return p.render();
    }
}
