package dev.memvisor.cli.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memvisor.core.control.Action;
import dev.memvisor.core.counter.Counter;
import dev.memvisor.core.counter.Scope;
import dev.memvisor.core.counter.Unit;
import dev.memvisor.core.unit.Size;
import dev.memvisor.qemu.manager.ActionJson;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * {@code memvisor top}'s screen, laid out as esxtop's memory screen: the host's memory lines
 * (PMEM, MEMCTL, SWAP, PSHARE in MB), then one row per managed VM with esxtop's columns in MB and
 * the CPU columns of its CPU screen (%USED, %RUN, %RDY over top's delay), sorted as asked; then the
 * VMs seen but not managed, and the last decision's actions.
 */
final class TopScreen {
    /** The columns, named by core's counter catalogue; sizes in MB. */
    static final List<Counter> COLUMNS = List.of(Counter.MEMSZ, Counter.AMIN, Counter.GRANT, Counter.SZTGT, Counter.TCHD, Counter.CNSM,
            Counter.MCTL, Counter.MCTLSZ, Counter.MCTLTGT, Counter.SWCUR, Counter.SWTGT, Counter.SHRDSVD, Counter.USED, Counter.RUN,
            Counter.RDY);
    private static final double MIB = 1024.0 * 1024.0;

    private TopScreen() {}

    /**
     * What {@code -o} sorts by: a column's esxtop field ({@code MCTLSZ}, {@code %RDY}), {@code GID} or
     * {@code NAME}, or esxtop's sort keys of its memory screen: {@code M} (MEMSZ), {@code B} (MCTLSZ),
     * {@code N} (GID). Numbers sort largest first, GID and NAME in order.
     *
     * @throws IllegalArgumentException naming the keys there are
     */
    static String sortKey(String key) {
        String k = key.trim().toUpperCase(Locale.ROOT);
        switch (k) {
            case "M": return Counter.MEMSZ.field();
            case "B": return Counter.MCTLSZ.field();
            case "N": return "GID";
            case "GID": case "NAME": return k;
            default:
                for (Counter c : COLUMNS) if (c.field().equalsIgnoreCase(k)) return c.field();
                throw new IllegalArgumentException("sort key " + key + ": expected M (MEMSZ), B (MCTLSZ), N (GID), NAME or a column: "
                        + String.join(", ", COLUMNS.stream().map(Counter::field).toList()));
        }
    }

    /** The screen for {@code s}, with CPU rates {@code r} (NaN without two samples), rows sorted by {@code sort} (a {@link #sortKey}). */
    static String render(TopSample s, TopRates r, String sort, Instant now) {
        JsonNode d = s.state();
        JsonNode h = d.path("host");
        StringBuilder b = new StringBuilder();
        Instant at = Instant.parse(d.path("time").asText(now.toString()));
        List<JsonNode> up = s.upVms();
        long notManaged = 0, down = 0;
        for (JsonNode vm : d.path("vms")) {
            if (vm.path("up").asBoolean()) continue;
            if (vm.path("managed").asBoolean(true)) down++;
            else notManaged++;
        }
        b.append(String.format(Locale.ROOT, "%s  memvisor top: policy %s, state %s%s, %d VMs managed%s%s, decision %s ago (%s)%n",
                now.toString().substring(11, 19), d.path("policy").asText(), d.path("state").asText(),
                d.path("dryRun").asBoolean() ? " (dry run: actions planned, not carried out)" : "", up.size() + down,
                down > 0 ? " (" + down + " not reachable)" : "", notManaged > 0 ? ", " + notManaged + " not managed" : "",
                ago(Duration.between(at, now)), d.path("trigger").asText()));
        b.append(String.format(Locale.ROOT, "PMEM  /MB: %9.2f total, %9.2f free (the budget or MemTotal less what the VMs hold, as the policy sees it)%n",
                h.path("machine").asDouble() / MIB, h.path("free").asDouble() / MIB));
        b.append(String.format(Locale.ROOT, "MEMCTL/MB: %9.2f curr,  %9.2f target%n", sum(up, Counter.MCTLSZ), sum(up, Counter.MCTLTGT)));
        b.append(String.format(Locale.ROOT, "SWAP  /MB: %9.2f curr,  %9.2f target, %7.2f r/s, %7.2f w/s%n", sum(up, Counter.SWCUR),
                sum(up, Counter.SWTGT), r.hostSwapMBps(0), r.hostSwapMBps(1)));
        long shared = h.path("ksmPagesShared").asLong(), sharing = h.path("ksmPagesSharing").asLong();
        b.append(String.format(Locale.ROOT, "PSHARE/MB: %9.2f shared, %8.2f common, %8.2f saving (KSM, %d pages/s)%n",
                (shared + sharing) * 4096 / MIB, shared * 4096 / MIB, sharing * 4096 / MIB, h.path("ksmScanPagesPerSecond").asLong()));
        b.append(String.format(Locale.ROOT, "PCPU UTIL(%%): %6.1f%n%n", r.hostUtilPct()));
        // NAME as wide as the longest name (esxtop lets one widen it), within reason
        int w = 4;
        for (JsonNode vm : d.path("vms")) w = Math.max(w, Math.min(40, vm.path("name").asText().length()));
        String nameCol = "%-" + w + "s";
        b.append(String.format(Locale.ROOT, "%8s " + nameCol, "GID", "NAME"));
        for (Counter c : COLUMNS) b.append(String.format(Locale.ROOT, " %8s", c.field()));
        b.append('\n');
        List<JsonNode> rows = new ArrayList<>(up);
        rows.sort(order(sort, r));
        for (JsonNode vm : rows) {
            long gid = TopBatch.gid(vm);
            b.append(String.format(Locale.ROOT, "%8s " + nameCol, gid > 0 ? Long.toString(gid) : "-", cut(vm.path("name").asText(), w)));
            for (Counter c : COLUMNS) b.append(String.format(Locale.ROOT, " %8s", cell(c, vm, r)));
            b.append('\n');
        }
        for (JsonNode vm : d.path("vms")) {
            if (vm.path("up").asBoolean()) continue;
            boolean managed = vm.path("managed").asBoolean(true);
            b.append(String.format(Locale.ROOT, "%8s " + nameCol + " %s: %s%s%n", "-", cut(vm.path("name").asText(), w),
                    managed ? "NOT REACHED" : "NOT MANAGED", managed ? vm.path("error").asText() : vm.path("reason").asText(),
                    vm.path("held").asLong() > 0 ? " (holds " + Size.format(vm.path("held").asLong()) + ")" : ""));
        }
        List<Action> actions = ActionJson.readAll(d);
        if (!actions.isEmpty()) {
            b.append(d.path("dryRun").asBoolean() ? "planned:" : "actions:");
            for (Action a : actions) b.append(' ').append(describe(a)).append(';');
            b.setLength(b.length() - 1);
            b.append('\n');
        }
        return b.toString();
    }

    /** The screen of a decision alone (no CPU rates): the demo's tables. */
    static String render(JsonNode decision) {
        TopSample s = new TopSample(0, decision, null, null, java.util.Map.of());
        return render(s, new TopRates(null, s), sortKey("M"), Instant.parse(decision.path("time").asText()));
    }

    /** One action in a few words: {@code balloon web 64M}, {@code reclaim web target 128M swap 0}, {@code sharing 6404 pages/s}. */
    static String describe(Action a) {
        if (a instanceof Action.Balloon x) return "balloon " + x.vm() + " " + Size.format(x.balloonBytes());
        if (a instanceof Action.HostReclaim x) {
            return "reclaim " + x.vm() + " target " + Size.format(x.targetBytes()) + " swap " + Size.format(x.swapTargetBytes())
                    + (x.blockAllocations() ? " blocked" : "");
        }
        if (a instanceof Action.SharingRate x) return "sharing " + x.pagesPerSecond() + " pages/s";
        return a.toString();
    }

    private static Comparator<JsonNode> order(String sort, TopRates r) {
        if (sort.equals("GID")) return Comparator.comparingLong(TopBatch::gid);
        if (sort.equals("NAME")) return Comparator.comparing(vm -> vm.path("name").asText());
        Counter c = Counter.byField(Scope.VM, sort).orElseThrow();
        Comparator<JsonNode> byValue = Comparator.comparingDouble(vm -> {
            double v = value(c, vm, r);
            return Double.isNaN(v) ? Double.NEGATIVE_INFINITY : v;
        });
        return byValue.reversed().thenComparing(vm -> vm.path("name").asText());
    }

    /** A cell's value: MB for sizes, % for CPU, the flag or count as it is; NaN when unknown. */
    static double value(Counter c, JsonNode vm, TopRates r) {
        int cpu = TopBatch.VM_CPU.indexOf(c);
        if (cpu >= 0) return r.vm(vm.path("name").asText())[cpu];
        if (!vm.has(c.field())) return Double.NaN;
        double v = vm.path(c.field()).asDouble();
        return c.unit() == Unit.MBYTES ? v / MIB : v;
    }

    private static String cell(Counter c, JsonNode vm, TopRates r) {
        double v = value(c, vm, r);
        if (Double.isNaN(v)) return "-";
        if (c.unit() == Unit.FLAG) return v > 0 ? "Y" : "N";
        return String.format(Locale.ROOT, c.unit() == Unit.PERCENT ? "%.1f" : "%.2f", v);
    }

    private static double sum(List<JsonNode> vms, Counter c) {
        double s = 0;
        for (JsonNode vm : vms) s += vm.path(c.field()).asDouble();
        return s / MIB;
    }

    private static String ago(Duration d) {
        long ms = Math.max(0, d.toMillis());
        return ms < 10_000 ? String.format(Locale.ROOT, "%.1f s", ms / 1000.0) : ms / 1000 + " s";
    }

    private static String cut(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "~";
    }
}
