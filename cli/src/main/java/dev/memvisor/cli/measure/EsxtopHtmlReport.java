package dev.memvisor.cli.measure;

import dev.memvisor.measure.esxtop.EntityReport;
import dev.memvisor.measure.esxtop.EsxtopAnalysis;
import dev.memvisor.measure.esxtop.EsxtopFlag;
import dev.memvisor.measure.esxtop.EsxtopMemoryState;
import dev.memvisor.measure.esxtop.EsxtopMetric;
import dev.memvisor.report.BarChart;
import dev.memvisor.report.ReportPage;
import dev.memvisor.report.Table;
import dev.memvisor.report.TimeChart;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** report.html of {@code analyze esxtop}: one self-contained page of charts, tables and flags (the report module's renderer). */
final class EsxtopHtmlReport {
    private static final List<EsxtopMetric> VM_TABLE = List.of(EsxtopMetric.MEMCTL, EsxtopMetric.MEMCTL_TARGET, EsxtopMetric.SWAPPED,
            EsxtopMetric.SWAP_READ, EsxtopMetric.SWAP_WRITE, EsxtopMetric.SHARED, EsxtopMetric.SHARED_SAVED, EsxtopMetric.ZERO,
            EsxtopMetric.GRANTED, EsxtopMetric.CONSUMED, EsxtopMetric.TOUCHED, EsxtopMetric.USED, EsxtopMetric.READY, EsxtopMetric.COSTOP);

    private EsxtopHtmlReport() {}

    static String render(EsxtopAnalysis a) {
        ReportPage p = new ReportPage("esxtop analysis: " + a.host().name());
        StringBuilder intro = new StringBuilder("File " + a.file() + ", " + a.times().length + " samples");
        if (a.times().length > 0) {
            intro.append(" from ").append(Instant.ofEpochMilli(a.times()[0])).append(" to ").append(Instant.ofEpochMilli(a.times()[a.times().length - 1]));
        }
        intro.append(", every ").append(fmt(a.intervalSeconds())).append(" s. ").append(a.vms().size()).append(" VMs.");
        p.paragraph(intro.toString());

        p.heading("Flags");
        List<String> flags = new ArrayList<>();
        flagItems(flags, "host " + a.host().name(), a.host().flags());
        for (EntityReport vm : a.vms()) flagItems(flags, vm.name(), vm.flags());
        if (flags.isEmpty()) p.paragraph("none");
        else p.list(flags, true);

        p.heading("Host");
        EsxtopMemoryState last = a.lastMemoryState();
        if (last != null) {
            double pct = a.lastFreePctOfMinFree();
            p.paragraph("Memory state (ESXi 6.0+ numbering: high, clear, soft, hard, low): " + last.id() + " in the last sample, "
                    + a.worstMemoryState().id() + " at worst" + (Double.isNaN(pct) ? "" : "; free memory " + fmt(pct) + " % of minFree") + ".");
        }
        if (!a.warnings().isEmpty()) p.list(a.warnings(), true);
        TimeChart hostMem = TimeChart.wallClock("Host memory", "MB", a.times());
        for (EsxtopMetric m : List.of(EsxtopMetric.HOST_FREE, EsxtopMetric.HOST_MEMCTL, EsxtopMetric.HOST_SWAPPED, EsxtopMetric.HOST_SHARED_SAVED, EsxtopMetric.HOST_COMPRESSED)) {
            double[] s = a.host().series().get(m);
            if (s != null) hostMem.series(m.key(), s);
        }
        p.chart(hostMem);
        Table host = new Table("counter", "last", "mean", "max", "meaning");
        for (EsxtopMetric m : a.host().series().keySet()) {
            host.row(m.key(), fmt(a.host().last(m)), fmt(a.host().mean(m)), fmt(a.host().max(m)), m.description());
        }
        p.table(host);

        p.heading("VMs");
        List<String> names = a.vms().stream().map(EntityReport::name).toList();
        BarChart mem = new BarChart("Memory per VM (last sample)", "MB", names);
        for (EsxtopMetric m : List.of(EsxtopMetric.GRANTED, EsxtopMetric.MEMCTL, EsxtopMetric.SWAPPED, EsxtopMetric.SHARED_SAVED, EsxtopMetric.TOUCHED)) {
            mem.series(m.key(), a.vms().stream().mapToDouble(vm -> vm.last(m)).toArray());
        }
        p.chart(mem);
        TimeChart ready = TimeChart.wallClock("CPU ready per vCPU", "%", a.times());
        for (EntityReport vm : a.vms()) {
            double[] s = vm.series().get(EsxtopMetric.READY);
            if (s != null) ready.series(vm.name(), s);
        }
        p.chart(ready);
        BarChart cpu = new BarChart("CPU per VM (mean)", "%", names);
        for (EsxtopMetric m : List.of(EsxtopMetric.USED, EsxtopMetric.READY, EsxtopMetric.COSTOP)) {
            cpu.series(m.key(), a.vms().stream().mapToDouble(vm -> vm.mean(m)).toArray());
        }
        p.chart(cpu);

        for (String which : List.of("last", "mean")) {
            p.heading("VMs, " + which + " sample" + (which.equals("mean") ? "s" : ""));
            List<String> header = new ArrayList<>(List.of("VM", "vCPUs"));
            for (EsxtopMetric m : VM_TABLE) header.add(m.key());
            Table t = new Table(header);
            for (EntityReport vm : a.vms()) {
                List<Object> row = new ArrayList<>(List.of(vm.name(), vm.vcpus() > 0 ? String.valueOf(vm.vcpus()) : "?"));
                for (EsxtopMetric m : VM_TABLE) row.add(fmt(which.equals("last") ? vm.last(m) : vm.mean(m)));
                t.row(row.toArray());
            }
            p.table(t);
        }
        p.paragraph("Sizes in MB, rates in MB/s; usedPct is % of one processor; readyPct and costopPct are per vCPU.");
        return p.render();
    }

    private static void flagItems(List<String> out, String who, List<EsxtopFlag> flags) {
        for (EsxtopFlag f : flags) out.add(who + ": " + f.id() + ", " + f.meaning());
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) return "";
        if (Math.abs(v) >= 100 || v == Math.rint(v)) return String.format(Locale.ROOT, "%.0f", v);
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
