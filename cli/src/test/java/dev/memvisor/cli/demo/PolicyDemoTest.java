package dev.memvisor.cli.demo;

import dev.memvisor.cli.CliRun;
import dev.memvisor.core.policy.PolicyRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs {@code memvisor demo --policies} through the real command line and reads its tables. */
class PolicyDemoTest {

    /** The row of {@code vm} in the table that follows the line starting with {@code heading}. */
    private static List<String> row(String out, String heading, String vm) {
        List<String> lines = out.lines().toList();
        int start = 0;
        while (!lines.get(start).startsWith(heading)) start++;
        for (int i = start + 1; i < lines.size() && !lines.get(i).isBlank(); i++) {
            List<String> cells = List.of(lines.get(i).trim().split("\\s+"));
            if (cells.get(0).equals(vm)) return cells;
        }
        throw new AssertionError("no row for " + vm + " after " + heading + " in:\n" + out);
    }

    @Test
    void showsEveryPolicysPlanForTheDemoHost() {
        CliRun r = CliRun.of("demo", "--policies");
        assertThat(r.status()).isEqualTo(0);
        String out = r.out();
        for (String name : PolicyRegistry.names()) assertThat(out).contains("Policy " + name + ": host state soft");
        assertThat(out.lines()).allMatch(l -> l.length() <= PolicyDemo.MAX_WIDTH);
        // esx: the reserved, busy db keeps all its memory; the idle batch VM is ballooned.
        assertThat(row(out, "Policy esx", "db")).containsSequence("db", "6G");
        List<String> batch = row(out, "Policy esx", "batch");
        assertThat(batch.get(6)).isEqualTo("rho");
        assertThat(batch.get(2)).isNotEqualTo("0");
        // Pinned by hand: db and web keep their ceilings (rho 6.67 and 5.71 there), leaving 6016M for batch
        // and dev at equal rho: 512 + 4 (Pb - 512) = 2 (128 + 4 (Pd - 128)) and Pb + Pd = 6016M give
        // Pd = 1941.3M (1.9G) and Pb = 4074.7M (3.98G), rho = 40960 / (128 + 4 * 1813.3) = 5.55.
        assertThat(batch).containsSequence("batch", "3.98G", "4.02G");
        assertThat(row(out, "Policy esx", "dev")).containsSequence("dev", "1.9G", "2.1G", "0", "no", "no", "rho", "5.55");
        // proxmox moves at most 100M a step from a VM within its limit.
        assertThat(row(out, "Policy proxmox", "web")).containsSequence("web", "3.9G", "100M");
        // static reclaims nothing.
        assertThat(row(out, "Policy static", "batch")).containsSequence("batch", "8G", "0", "0");
    }

    @Test
    void theIdleTaxMovesMemoryFromIdleToBusyVms() {
        String out = CliRun.of("demo", "--policies").out();
        String heading = "VM       active      tau=0";
        assertThat(row(out, heading, "db").get(4)).startsWith("+");
        assertThat(row(out, heading, "web").get(4)).startsWith("+");
        assertThat(row(out, heading, "batch").get(4)).startsWith("-");
        assertThat(row(out, heading, "dev").get(4)).startsWith("-");
    }
}
