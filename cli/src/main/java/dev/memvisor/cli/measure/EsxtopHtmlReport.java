package dev.memvisor.cli.measure;

import dev.memvisor.measure.esxtop.EntityReport;
import dev.memvisor.measure.esxtop.EsxtopAnalysis;
import dev.memvisor.measure.esxtop.EsxtopFlag;
import dev.memvisor.measure.esxtop.EsxtopMemoryState;
import dev.memvisor.measure.esxtop.EsxtopMetric;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** report.html of {@code analyze esxtop}: one self-contained page (inline SVG and CSS) of charts, tables and flags. */
final class EsxtopHtmlReport {
    private static final List<EsxtopMetric> VM_TABLE = List.of(EsxtopMetric.MEMCTL, EsxtopMetric.MEMCTL_TARGET, EsxtopMetric.SWAPPED,
            EsxtopMetric.SWAP_READ, EsxtopMetric.SWAP_WRITE, EsxtopMetric.SHARED, EsxtopMetric.SHARED_SAVED, EsxtopMetric.ZERO,
            EsxtopMetric.GRANTED, EsxtopMetric.CONSUMED, EsxtopMetric.TOUCHED, EsxtopMetric.USED, EsxtopMetric.READY, EsxtopMetric.COSTOP);

    private EsxtopHtmlReport() {}

    static String render(EsxtopAnalysis a) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>memvisor esxtop analysis</title><style>")
                .append("body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right;font-size:13px}th{background:#f3f3f3}")
                .append("td:first-child,th:first-child{text-align:left}.flag{color:#b00;font-weight:bold}svg{margin:1em 1em 0 0}")
                .append("</style></head><body>");
        h.append("<h1>esxtop analysis: ").append(Html.escape(a.host().name())).append("</h1>");
        h.append("<p>File ").append(Html.escape(a.file())).append(", ").append(a.times().length).append(" samples");
        if (a.times().length > 0) {
            h.append(" from ").append(Instant.ofEpochMilli(a.times()[0])).append(" to ").append(Instant.ofEpochMilli(a.times()[a.times().length - 1]));
        }
        h.append(", every ").append(SvgChart.fmt(a.intervalSeconds())).append(" s. ").append(a.vms().size()).append(" VMs.</p>");

        h.append("<h2>Flags</h2><ul>");
        flagItems(h, "host " + a.host().name(), a.host().flags());
        for (EntityReport vm : a.vms()) flagItems(h, vm.name(), vm.flags());
        h.append("</ul>");

        h.append("<h2>Host</h2>");
        EsxtopMemoryState last = a.lastMemoryState();
        if (last != null) {
            h.append("<p>Memory state (ESXi 6.0+ numbering: high, clear, soft, hard, low): <b>").append(last.id()).append("</b> in the last sample, ")
                    .append(a.worstMemoryState().id()).append(" at worst");
            double pct = a.lastFreePctOfMinFree();
            if (!Double.isNaN(pct)) h.append("; free memory ").append(SvgChart.fmt(pct)).append(" % of minFree");
            h.append(".</p>");
        }
        for (String w : a.warnings()) h.append("<p class=\"flag\">").append(Html.escape(w)).append("</p>");
        Map<String, double[]> hostMem = new LinkedHashMap<>();
        for (EsxtopMetric m : List.of(EsxtopMetric.HOST_FREE, EsxtopMetric.HOST_MEMCTL, EsxtopMetric.HOST_SWAPPED, EsxtopMetric.HOST_SHARED_SAVED, EsxtopMetric.HOST_COMPRESSED)) {
            double[] s = a.host().series().get(m);
            if (s != null) hostMem.put(m.key(), s);
        }
        h.append(SvgChart.line("Host memory", a.times(), hostMem, "MB"));
        h.append("<table><tr><th>counter</th><th>last</th><th>mean</th><th>max</th><th>meaning</th></tr>");
        for (EsxtopMetric m : a.host().series().keySet()) {
            h.append("<tr><td>").append(m.key()).append("</td><td>").append(SvgChart.fmt(a.host().last(m))).append("</td><td>")
                    .append(SvgChart.fmt(a.host().mean(m))).append("</td><td>").append(SvgChart.fmt(a.host().max(m))).append("</td><td>")
                    .append(Html.escape(m.description())).append("</td></tr>");
        }
        h.append("</table>");

        h.append("<h2>VMs</h2>");
        List<String> names = a.vms().stream().map(EntityReport::name).toList();
        Map<String, double[]> mem = new LinkedHashMap<>();
        for (EsxtopMetric m : List.of(EsxtopMetric.GRANTED, EsxtopMetric.MEMCTL, EsxtopMetric.SWAPPED, EsxtopMetric.SHARED_SAVED, EsxtopMetric.TOUCHED)) {
            mem.put(m.key(), a.vms().stream().mapToDouble(vm -> vm.last(m)).toArray());
        }
        h.append(SvgChart.bars("Memory per VM (last sample)", names, mem, "MB"));
        Map<String, double[]> ready = new LinkedHashMap<>();
        for (EntityReport vm : a.vms()) {
            double[] s = vm.series().get(EsxtopMetric.READY);
            if (s != null) ready.put(vm.name(), s);
        }
        h.append(SvgChart.line("CPU ready per vCPU", a.times(), ready, "%"));
        Map<String, double[]> cpu = new LinkedHashMap<>();
        for (EsxtopMetric m : List.of(EsxtopMetric.USED, EsxtopMetric.READY, EsxtopMetric.COSTOP)) {
            cpu.put(m.key(), a.vms().stream().mapToDouble(vm -> vm.mean(m)).toArray());
        }
        h.append(SvgChart.bars("CPU per VM (mean)", names, cpu, "%"));

        for (String which : List.of("last", "mean")) {
            h.append("<h3>").append(which).append("</h3><table><tr><th>VM</th><th>vCPUs</th>");
            for (EsxtopMetric m : VM_TABLE) h.append("<th title=\"").append(Html.escape(m.description())).append("\">").append(m.key()).append("</th>");
            h.append("</tr>");
            for (EntityReport vm : a.vms()) {
                h.append("<tr><td>").append(Html.escape(vm.name())).append("</td><td>").append(vm.vcpus() > 0 ? String.valueOf(vm.vcpus()) : "?").append("</td>");
                for (EsxtopMetric m : VM_TABLE) h.append("<td>").append(SvgChart.fmt(which.equals("last") ? vm.last(m) : vm.mean(m))).append("</td>");
                h.append("</tr>");
            }
            h.append("</table>");
        }
        h.append("<p>Sizes in MB, rates in MB/s; usedPct is % of one processor; readyPct and costopPct are per vCPU.</p>");
        return h.append("</body></html>\n").toString();
    }

    private static void flagItems(StringBuilder h, String who, List<EsxtopFlag> flags) {
        for (EsxtopFlag f : flags) {
            h.append("<li><b>").append(Html.escape(who)).append("</b>: <span class=\"flag\">").append(f.id()).append("</span>, ")
                    .append(Html.escape(f.meaning())).append("</li>");
        }
    }
}
