package dev.memvisor.fleet.report;

import dev.memvisor.fleet.model.Fleet;
import dev.memvisor.fleet.search.Candidate;
import dev.memvisor.fleet.search.PolicyResult;

import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;

/** The columns of the per-policy table, declared once for the text table and the HTML report. */
public final class FleetColumns {
    /** One column: its header and its cell for a policy's result. */
    public record Column(String header, BiFunction<Fleet, PolicyResult, String> cell) {}

    /** Every column, in order. */
    public static final List<Column> ALL = List.of(
            new Column("policy", (f, p) -> p.policy()),
            new Column("hosts", (f, p) -> p.hostsNeeded() == null ? "> " + f.maxHosts() : Integer.toString(p.hostsNeeded())),
            new Column("VMs/host", (f, p) -> p.hostsNeeded() == null ? "-" : fmt((double) f.vms().size() / p.hostsNeeded(), 1)),
            new Column("p50", (f, p) -> answer(p, c -> fmt(c.slowdownPercentile(50), 2))),
            new Column("p90", (f, p) -> answer(p, c -> fmt(c.slowdownPercentile(90), 2))),
            new Column("p99", (f, p) -> answer(p, c -> fmt(c.slowdownPercentile(99), 2))),
            new Column("max", (f, p) -> answer(p, c -> fmt(c.maxSlowdown(), 2))),
            new Column("swapped GB", (f, p) -> answer(p, c -> fmt(c.peakSwappedBytes() / 1073741824.0, 1))),
            new Column("balloon GB", (f, p) -> answer(p, c -> fmt(c.peakBalloonBytes() / 1073741824.0, 1))),
            new Column("shared GB", (f, p) -> answer(p, c -> fmt(c.sharedSavedBytes() / 1073741824.0, 1))),
            new Column("tried (hosts: max slowdown)", (f, p) -> tried(p)));

    private FleetColumns() {}

    private static String answer(PolicyResult p, java.util.function.Function<Candidate, String> f) {
        Candidate a = p.answer();
        return a == null ? "-" : f.apply(a);
    }

    private static String tried(PolicyResult p) {
        StringBuilder b = new StringBuilder();
        for (Candidate c : p.tried()) {
            if (b.length() > 0) b.append(' ');
            b.append(c.hosts()).append(':').append(c.admitted() ? fmt(c.maxSlowdown(), 2) : "no-admit").append(c.pass() ? "" : "!");
        }
        return b.toString();
    }

    /** {@code v} with {@code decimals} decimals, locale-independent. */
    static String fmt(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
