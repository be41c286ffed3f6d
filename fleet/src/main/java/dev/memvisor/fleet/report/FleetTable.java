package dev.memvisor.fleet.report;

import dev.memvisor.core.unit.Size;
import dev.memvisor.fleet.model.Fleet;
import dev.memvisor.fleet.model.FleetVm;
import dev.memvisor.fleet.search.FleetResult;
import dev.memvisor.fleet.search.PolicyResult;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The text table on stdout: the fleet in one line, then one row per policy. */
public final class FleetTable {
    private FleetTable() {}

    /** One line describing the fleet and the bound. */
    public static String headline(Fleet f) {
        long configured = f.vms().stream().mapToLong(FleetVm::configuredBytes).sum();
        return String.format(Locale.ROOT, "fleet %s: %d VMs (%s configured%s) on hosts of %s and %d cores; placement by %s%s;"
                        + " bound: every VM's slowdown <= %s; window %d s of trace from +%d s, %s s simulated",
                f.file().path().getFileName(), f.vms().size(), Size.format(configured),
                f.absent().isEmpty() ? "" : "; " + f.absent().size() + (f.absent().size() == 1 ? " VM" : " VMs") + " absent at the window's start",
                Size.format(f.machineBytes()), f.cores(), f.rule().label(),
                f.rule() == dev.memvisor.fleet.placement.PlacementRule.DEMAND ? " (p" + FleetColumns.fmt(f.percentile(), 0) + " of memory used)" : "",
                FleetColumns.fmt(f.slowdownBound(), 2), f.window().durationSeconds(), f.window().startSeconds(),
                FleetColumns.fmt(f.window().simulatedMicros() / 1e6, 0));
    }

    /** Prints the headline and the table. */
    public static void print(FleetResult r, PrintWriter out) {
        out.println(headline(r.fleet()));
        List<String[]> rows = new ArrayList<>();
        String[] head = FleetColumns.ALL.stream().map(FleetColumns.Column::header).toArray(String[]::new);
        rows.add(head);
        for (PolicyResult p : r.policies()) {
            rows.add(FleetColumns.ALL.stream().map(c -> c.cell().apply(r.fleet(), p)).toArray(String[]::new));
        }
        int[] width = new int[head.length];
        for (String[] row : rows) for (int i = 0; i < row.length; i++) width[i] = Math.max(width[i], row[i].length());
        for (String[] row : rows) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                boolean last = i == row.length - 1;
                String cell = i == 0 || last ? String.format("%-" + width[i] + "s", row[i]) : String.format("%" + width[i] + "s", row[i]);
                b.append(cell).append(last ? "" : "  ");
            }
            out.println(b.toString().stripTrailing());
        }
        out.printf(Locale.ROOT, "slowdown: elapsed / standalone time of each VM's work at the answer; '!' marks a host count that missed the bound;"
                + " %d host simulations in %s wall (%.2f CPU-hours of simulation) on %s%n",
                r.hostSimulations(), clock(r.wallMillis()), r.taskMillis() / 3_600_000.0, r.master());
        out.flush();
    }

    private static String clock(long millis) {
        long s = millis / 1000;
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
