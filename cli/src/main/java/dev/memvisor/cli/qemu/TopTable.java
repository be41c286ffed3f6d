package dev.memvisor.cli.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memvisor.core.unit.Size;

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
        if (d.path("actions").size() > 0) b.append("actions: ").append(d.path("actions")).append('\n');
        return b.toString();
    }
}
