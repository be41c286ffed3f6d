package dev.memvisor.sim.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes report.html: one self-contained page with charts over time (per VM granted, active,
 * balloon, swapped, shared saved; host free memory over the state bands) and slowdown per VM.
 */
public final class HtmlReportWriter {
    private HtmlReportWriter() {}

    /** Writes {@code report.html} into {@code dir}. */
    public static void write(SimResult r, Path dir) throws IOException {
        Files.writeString(dir.resolve("report.html"), html(r));
    }

    /** The page. */
    public static String html(SimResult r) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html><html><head><meta charset='utf-8'><title>memvisor simulation</title>")
                .append("<style>body{font-family:sans-serif;margin:20px;max-width:800px}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f4f4f4}td:first-child{text-align:left}</style>")
                .append("</head><body><h1>memvisor simulation</h1>");
        b.append("<p>Policy <b>").append(SvgChart.esc(r.policy)).append("</b>, ").append(r.vms.size()).append(" VMs, host ")
                .append(Num.fmt(r.machineBytes / 1073741824.0, 2)).append(" GiB, ")
                .append(Num.fmt(r.times.isEmpty() ? 0 : r.times.get(r.times.size() - 1), 0)).append(" simulated seconds, peak overcommit ")
                .append(Num.fmt(r.peakOvercommit, 2)).append(". Host state seconds: high ").append(Num.fmt(r.secondsInState[0], 0))
                .append(", soft ").append(Num.fmt(r.secondsInState[1], 0)).append(", hard ").append(Num.fmt(r.secondsInState[2], 0))
                .append(", low ").append(Num.fmt(r.secondsInState[3], 0)).append(".</p>");
        b.append(table(r));
        Map<String, Double> slow = new LinkedHashMap<>();
        for (SimResult.VmRecord v : r.vms) slow.put(v.name, v.slowdown);
        b.append("<h2>Slowdown per VM</h2>").append(SvgChart.bars("elapsed / standalone time of the work done", slow));
        b.append("<h2>Memory over time</h2>");
        b.append(SvgChart.lines("Host free memory (background: soft, hard, low state)", "MB", r.times,
                Map.of("free", r.series(HostCounter.FREE)), r.series(HostCounter.STATE)));
        for (VmCounter c : List.of(VmCounter.GRANT, VmCounter.ACTV, VmCounter.MCTLSZ, VmCounter.SWCUR, VmCounter.SHRDSVD, VmCounter.ZIP)) {
            Map<String, List<Double>> s = new LinkedHashMap<>();
            for (SimResult.VmRecord v : r.vms) s.put(v.name, v.series(c));
            b.append(SvgChart.lines(c.column() + " per VM (" + c.counter() + ")", "MB", r.times, s, null));
        }
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        for (SimResult.VmRecord v : r.vms) cpu.put(v.name, v.series(VmCounter.RDY));
        b.append(SvgChart.lines("%RDY per VM (time waiting for a core)", "% of one core", r.times, cpu, null));
        return b.append("</body></html>\n").toString();
    }

    private static String table(SimResult r) {
        StringBuilder b = new StringBuilder("<table><tr><th>VM</th><th>configured MB</th><th>mean granted MB</th>"
                + "<th>peak balloon MB</th><th>peak swapped MB</th><th>mean shared saved MB</th><th>slowdown</th><th>double-paged pages</th></tr>");
        for (SimResult.VmRecord v : r.vms) {
            b.append("<tr><td>").append(SvgChart.esc(v.name)).append("</td><td>").append(Num.fmt(v.configuredBytes / 1048576.0, 0))
                    .append("</td><td>").append(Num.fmt(v.mean(VmCounter.GRANT), 0)).append("</td><td>").append(Num.fmt(v.max(VmCounter.MCTLSZ), 0))
                    .append("</td><td>").append(Num.fmt(v.max(VmCounter.SWCUR), 0)).append("</td><td>").append(Num.fmt(v.mean(VmCounter.SHRDSVD), 0))
                    .append("</td><td>").append(Num.fmt(v.slowdown, 2)).append("</td><td>").append(v.doublePagedPages).append("</td></tr>");
        }
        return b.append("</table>").toString();
    }
}
