package dev.memvisor.fleet.report;

import dev.memvisor.fleet.search.Candidate;
import dev.memvisor.fleet.search.FleetResult;
import dev.memvisor.fleet.search.PolicyResult;
import dev.memvisor.report.BarChart;
import dev.memvisor.report.ReportPage;
import dev.memvisor.report.Table;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** report.html through the project's one report renderer: the table and bar charts per policy, self-contained. */
public final class FleetHtml {
    private static final double GIB = 1073741824.0;

    private FleetHtml() {}

    /** The page. */
    public static ReportPage page(FleetResult r) {
        ReportPage page = new ReportPage("memvisor fleet");
        page.paragraph(FleetTable.headline(r.fleet()) + ".");
        Table t = new Table(FleetColumns.ALL.stream().map(FleetColumns.Column::header).toList());
        for (PolicyResult p : r.policies()) t.row(FleetColumns.ALL.stream().map(c -> c.cell().apply(r.fleet(), p)).toArray());
        page.table(t);
        page.paragraph("Slowdown percentiles are over the VMs at the answer's host count; '!' marks a host count that missed the bound."
                + " Each host's scenario and summary.json are under hosts/.");
        List<PolicyResult> answered = r.policies().stream().filter(p -> p.answer() != null).toList();
        List<String> names = answered.stream().map(PolicyResult::policy).toList();
        if (!answered.isEmpty()) {
            page.heading("Hosts needed");
            page.chart(new BarChart("fewest hosts with every VM's slowdown <= " + FleetColumns.fmt(r.fleet().slowdownBound(), 2), "hosts", names)
                    .series("hosts", answered.stream().mapToDouble(p -> p.hostsNeeded()).toArray()));
            page.heading("Slowdown at the answer");
            BarChart pct = new BarChart("percentiles of the VMs' slowdown", "elapsed / standalone", names);
            for (int q : new int[] {50, 90, 99, 100}) {
                pct.series(q == 100 ? "max" : "p" + q, answered.stream().mapToDouble(p -> p.answer().slowdownPercentile(q)).toArray());
            }
            page.chart(pct);
            page.heading("Memory at the answer");
            page.chart(new BarChart("swapped (sum of each VM's peak), ballooned (sum of peaks), shared (sum over hosts of the mean saved)", "GB", names)
                    .series("swapped", answered.stream().mapToDouble(p -> p.answer().peakSwappedBytes() / GIB).toArray())
                    .series("balloon", answered.stream().mapToDouble(p -> p.answer().peakBalloonBytes() / GIB).toArray())
                    .series("shared", answered.stream().mapToDouble(p -> p.answer().sharedSavedBytes() / GIB).toArray()));
        }
        page.heading("Search");
        List<String> tried = new ArrayList<>();
        List<Double> max = new ArrayList<>();
        for (PolicyResult p : r.policies()) {
            for (Candidate c : p.tried().stream().sorted(Comparator.comparingInt(Candidate::hosts)).toList()) {
                tried.add(p.policy() + " " + c.hosts() + (c.hosts() == 1 ? " host" : " hosts") + (c.pass() ? "" : " !"));
                max.add(c.maxSlowdown());
            }
        }
        page.chart(new BarChart("largest VM slowdown per host count tried ('!' = over the bound)", "elapsed / standalone", tried)
                .series("max slowdown", max.stream().mapToDouble(Double::doubleValue).toArray()));
        if (!r.fleet().absent().isEmpty()) {
            page.heading("VMs absent at the window's start");
            page.list(r.fleet().absent(), false);
        }
        return page;
    }

    /** Writes report.html into {@code dir}. */
    public static void write(FleetResult r, Path dir) throws IOException {
        page(r).write(dir.resolve("report.html"));
    }
}
