package dev.memvisor.sim.report;

import dev.memvisor.report.BarChart;
import dev.memvisor.report.ReportPage;
import dev.memvisor.report.Table;
import dev.memvisor.report.TimeChart;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes report.html: one self-contained page with charts over time (per VM granted, active,
 * balloon, swapped, shared saved, compressed, ready; host free memory over the state bands) and
 * slowdown per VM, drawn by the report module's renderer.
 */
public final class HtmlReportWriter {
    /** The host memory states by the number HostCounter.STATE records, for the band legend. */
    static final List<String> STATES = List.of("high", "soft", "hard", "low");

    private HtmlReportWriter() {}

    /** Writes {@code report.html} into {@code dir}. */
    public static void write(SimResult r, Path dir) throws IOException {
        page(r).write(dir.resolve("report.html"));
    }

    /** The page. */
    public static String html(SimResult r) {
        return page(r).render();
    }

    private static ReportPage page(SimResult r) {
        ReportPage p = new ReportPage("memvisor simulation");
        double end = r.times.isEmpty() ? 0 : r.times.get(r.times.size() - 1);
        p.paragraph(String.format(Locale.ROOT, "Policy %s, %d VMs, host %s GiB, %s simulated seconds, peak overcommit %s. "
                        + "Host state seconds: high %s, soft %s, hard %s, low %s.", r.policy, r.vms.size(),
                Num.fmt(r.machineBytes / 1073741824.0, 2), Num.fmt(end, 0), Num.fmt(r.peakOvercommit, 2),
                Num.fmt(r.secondsInState[0], 0), Num.fmt(r.secondsInState[1], 0), Num.fmt(r.secondsInState[2], 0), Num.fmt(r.secondsInState[3], 0)));
        Table t = new Table("VM", "configured MB", "mean " + VmCounter.GRANT.column() + " MB", "peak " + VmCounter.MCTLSZ.column() + " MB",
                "peak " + VmCounter.SWCUR.column() + " MB", "mean " + VmCounter.SHRDSVD.column() + " MB", "slowdown", "double-paged pages");
        for (SimResult.VmRecord v : r.vms) {
            t.row(v.name, Num.fmt(v.configuredBytes / 1048576.0, 0), Num.fmt(v.mean(VmCounter.GRANT), 0), Num.fmt(v.max(VmCounter.MCTLSZ), 0),
                    Num.fmt(v.max(VmCounter.SWCUR), 0), Num.fmt(v.mean(VmCounter.SHRDSVD), 0), Num.fmt(v.slowdown, 2), v.doublePagedPages);
        }
        p.table(t);
        List<String> names = r.vms.stream().map(v -> v.name).toList();
        p.heading("Slowdown per VM");
        p.chart(new BarChart("elapsed / standalone time of the work done", "x", names)
                .series("slowdown", r.vms.stream().mapToDouble(v -> v.slowdown).toArray()));
        p.heading("Memory over time");
        double[] times = array(r.times);
        p.chart(TimeChart.elapsed("Host free memory", "MB", times).series("free", array(r.series(HostCounter.FREE)))
                .states(array(r.series(HostCounter.STATE)), STATES));
        for (VmCounter c : List.of(VmCounter.GRANT, VmCounter.ACTV, VmCounter.MCTLSZ, VmCounter.SWCUR, VmCounter.SHRDSVD, VmCounter.ZIP)) {
            TimeChart chart = TimeChart.elapsed(c.column() + " per VM (" + c.counter() + ")", "MB", times);
            for (SimResult.VmRecord v : r.vms) chart.series(v.name, array(v.series(c)));
            p.chart(chart);
        }
        TimeChart rdy = TimeChart.elapsed("%RDY per VM (time waiting for a core)", "% of one core", times);
        for (SimResult.VmRecord v : r.vms) rdy.series(v.name, array(v.series(VmCounter.RDY)));
        return p.chart(rdy);
    }

    static double[] array(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
