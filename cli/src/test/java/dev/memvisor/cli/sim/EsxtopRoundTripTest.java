package dev.memvisor.cli.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memvisor.cli.CliRun;
import dev.memvisor.core.counter.Counter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator's esxtop.csv read back by {@code memvisor analyze esxtop}: Kernel State in ESXi 6's numbering
 * (0 high, 1 clear, 2 soft, 3 hard, 4 low) comes back as written, with the same state names, free memory,
 * minFree and per-VM counters, and without a warning that the states contradict free memory.
 */
class EsxtopRoundTripTest {
    /** Three VMs whose working sets outgrow a 1 GiB host with ESXi 6's five states: high, clear, soft and lower all occur. */
    static final String SCENARIO = """
            duration: 90s
            sampleInterval: 1s
            policy: {sharingScanPagesPerSecond: 5000, memoryStates: esxi6}
            host: {memory: 1G, cores: 2}
            vms:
              - name: v
                count: 3
                memory: 512M
                guest: {osMemory: 64M}
                workload: {workingSet: 380M, skew: 0.7, writeFraction: 0.3, refsPerSecond: 20000}
            """;

    @Test
    void analyzeEsxtopReadsTheSimulatorsExportAsWritten(@TempDir Path tmp) throws Exception {
        Path scenario = tmp.resolve("s.yaml");
        Files.writeString(scenario, SCENARIO);
        CliRun sim = CliRun.of("simulate", scenario.toString(), "--out", tmp.resolve("sim").toString());
        assertThat(sim.status()).as(sim.err()).isZero();
        List<String[]> hostRows = new ArrayList<>(), vmRows = new ArrayList<>();
        List<String> lines = Files.readAllLines(tmp.resolve("sim/timeseries.csv"));
        List<String> header = List.of(lines.get(0).split(",", -1));
        for (String l : lines.subList(1, lines.size())) (l.contains(",_host,") ? hostRows : vmRows).add(l.split(",", -1));
        int stateCol = header.indexOf(Counter.HOST_STATE.field()), freeCol = header.indexOf(Counter.HOST_FREE.field());
        int minCol = header.indexOf(Counter.HOST_MINFREE.field()), grantCol = header.indexOf(Counter.GRANT.field());
        double lastState = Double.parseDouble(hostRows.get(hostRows.size() - 1)[stateCol]);
        double worst = hostRows.stream().mapToDouble(r -> Double.parseDouble(r[stateCol])).max().orElseThrow();
        assertThat(hostRows.stream().map(r -> r[stateCol]).distinct()).as("the run passes through several states").hasSizeGreaterThan(2);
        assertThat(hostRows.stream().map(r -> r[stateCol])).as("clear occurs").contains("1");

        CliRun an = CliRun.of("analyze", "esxtop", tmp.resolve("sim/esxtop.csv").toString(), "--out", tmp.resolve("an").toString());
        assertThat(an.status()).as(an.err()).isZero();
        assertThat(an.err()).as("no contradiction between Kernel State and free memory").doesNotContain("warning");
        JsonNode s = new ObjectMapper().readTree(tmp.resolve("an/summary.json").toFile());
        JsonNode host = s.get("host");
        assertThat(host.get("last").get("memoryState").asDouble()).isEqualTo(lastState);
        assertThat(host.get("max").get("memoryState").asDouble()).isEqualTo(worst);
        assertThat(host.get("memoryStateName").get("last").asText()).isEqualTo(Counter.stateNames().get((int) lastState));
        assertThat(host.get("memoryStateName").get("worst").asText()).isEqualTo(Counter.stateNames().get((int) worst));
        String[] lastHost = hostRows.get(hostRows.size() - 1);
        assertThat(host.get("last").get("freeMBytes").asDouble()).isCloseTo(Double.parseDouble(lastHost[freeCol]), org.assertj.core.data.Offset.offset(0.01));
        assertThat(host.get("last").get("minFreeMBytes").asDouble()).isCloseTo(Double.parseDouble(lastHost[minCol]), org.assertj.core.data.Offset.offset(0.01));
        assertThat(s.get("vms")).hasSize(3);
        for (JsonNode vm : s.get("vms")) {
            String[] last = vmRows.stream().filter(r -> r[1].equals(vm.get("name").asText())).reduce((a, b) -> b).orElseThrow();
            assertThat(vm.get("last").get("grantedMBytes").asDouble()).as(vm.get("name").asText())
                    .isCloseTo(Double.parseDouble(last[grantCol]), org.assertj.core.data.Offset.offset(0.01));
        }
    }
}
