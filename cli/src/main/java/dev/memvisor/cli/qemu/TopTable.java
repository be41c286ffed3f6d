package dev.memvisor.cli.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memvisor.core.control.Action;
import dev.memvisor.core.unit.Size;
import dev.memvisor.qemu.manager.ActionJson;
import java.util.List;

/** Renders one decision-log line as an esxtop-like memory table. */
final class TopTable {
    private static final String[] COLS = {"MEMSZ", "RESV", "GRANT", "CONSUMED", "MCTLSZ", "MCTLTGT", "TARGET", "SWCUR", "SWTGT", "SHRD", "ACTV", "guestFree"};

    private TopTable() {}

    static String render(JsonNode d) {
        StringBuilder b = new StringBuilder();
        JsonNode h = d.path("host");
        b.append(String.format("%s  policy %s  state %s  machine %s  free %s  ksm sharing %d pages  psi some %.2f%%  manager cpu %.1f ms%n",
                d.path("time").asText(), d.path("policy").asText(), d.path("state").asText(),
                Size.format(h.path("machine").asLong()), Size.format(h.path("free").asLong()),
                h.path("ksmPagesSharing").asLong(), h.path("psiSomeAvg10").asDouble(), d.path("managerCpuMs").asDouble()));
        b.append(String.format("%-12s", "NAME"));
        for (String c : COLS) b.append(String.format("%10s", c));
        b.append('\n');
        for (JsonNode vm : d.path("vms")) {
            b.append(String.format("%-12s", vm.path("name").asText()));
            if (!vm.path("up").asBoolean()) {
                b.append("  DOWN: ").append(vm.path("error").asText()).append('\n');
                continue;
            }
            for (String c : COLS) {
                long v = vm.path(c).asLong(-1);
                b.append(String.format("%10s", v < 0 ? "-" : Size.format(v)));
            }
            b.append('\n');
        }
        List<Action> actions = ActionJson.readAll(d);
        if (!actions.isEmpty()) {
            b.append("actions:");
            for (Action a : actions) b.append(' ').append(describe(a)).append(';');
            b.setLength(b.length() - 1);
            b.append('\n');
        }
        return b.toString();
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
}
