package dev.memvisor.sim.report;

import dev.memvisor.core.counter.Counter;
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
    /** The host memory states by the number Counter.HOST_STATE records (esxtop's Kernel State), for the band legend. */
    static final List<String> STATES = Counter.stateNames();

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
        StringBuilder inState = new StringBuilder();
        for (int i = 0; i < STATES.size(); i++) inState.append(i == 0 ? "" : ", ").append(STATES.get(i)).append(' ').append(Num.fmt(r.secondsInState[i], 0));
        p.paragraph(String.format(Locale.ROOT, "Policy %s, %d VMs, host %s GiB, %s simulated seconds, peak overcommit %s. "
                        + "Host state seconds: %s.", r.policy, r.vms.size(),
                Num.fmt(r.machineBytes / 1073741824.0, 2), Num.fmt(end, 0), Num.fmt(r.peakOvercommit, 2), inState));
        Table t = new Table("VM", "configured MB", "mean " + Counter.GRANT.field() + " MB", "peak " + Counter.MCTLSZ.field() + " MB",
                "peak " + Counter.SWCUR.field() + " MB", "mean " + Counter.SHRDSVD.field() + " MB", "slowdown", "double-paged pages");
        for (SimResult.VmRecord v : r.vms) {
            t.row(v.name, Num.fmt(v.configuredBytes / 1048576.0, 0), Num.fmt(v.mean(Counter.GRANT), 0), Num.fmt(v.max(Counter.MCTLSZ), 0),
                    Num.fmt(v.max(Counter.SWCUR), 0), Num.fmt(v.mean(Counter.SHRDSVD), 0), Num.fmt(v.slowdown, 2), v.doublePagedPages);
        }
        p.table(t);
        List<String> names = r.vms.stream().map(v -> v.name).toList();
        p.heading("Slowdown per VM");
        p.chart(new BarChart("elapsed / standalone time of the work done", "x", names)
                .series("slowdown", r.vms.stream().mapToDouble(v -> v.slowdown).toArray()));
        p.heading("Memory over time");
        double[] times = array(r.times);
        p.chart(TimeChart.elapsed("Host free memory", "MB", times).series("free", array(r.series(Counter.HOST_FREE)))
                .states(array(r.series(Counter.HOST_STATE)), STATES));
        for (Counter c : List.of(Counter.GRANT, Counter.TCHD, Counter.MCTLSZ, Counter.SWCUR, Counter.SHRDSVD, Counter.ZIP)) {
            TimeChart chart = TimeChart.elapsed(c.field() + " per VM (" + c.batchCounter() + ")", c.unit().symbol(), times);
            for (SimResult.VmRecord v : r.vms) chart.series(v.name, array(v.series(c)));
            p.chart(chart);
        }
        TimeChart rdy = TimeChart.elapsed("%RDY per VM (time waiting for a core)", "% of one core", times);
        for (SimResult.VmRecord v : r.vms) rdy.series(v.name, array(v.series(Counter.RDY)));
        return p.chart(rdy);
    }

    static double[] array(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
