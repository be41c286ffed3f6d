package dev.memvisor.cli.density;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memvisor.core.policy.PolicyRegistry;
import dev.memvisor.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code memvisor density --sim}: the simulated experiment end to end, and the command's usage and input errors. */
class DensityCommandSimTest {
    private static final Path EXAMPLES = Path.of(System.getProperty("memvisor.root", "..")).resolve("examples");
    @TempDir Path dir;

    @Test
    void theSimulatedRunReportsEveryPolicyWithinTheStoppingRule() throws Exception {
        CliRun r = CliRun.of("density", EXAMPLES.resolve("density-idle-heavy.yaml").toString(), "--sim", "--json", "--out", dir.toString());
        assertThat(r.status()).as(r.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(root.path("mix").asText()).isEqualTo("idle-heavy");
        assertThat(root.path("simulator").asText()).hasSize(12);
        assertThat(root.path("accelerator").isNull()).isTrue();
        double bound = root.path("bounds").path("p95Slowdown").asDouble();
        assertThat(bound).isEqualTo(1.2);
        assertThat(root.path("bounds").path("hostSwapBytes").asLong()).isEqualTo((1L << 30) / 10);
        // with no --policies, every registered policy, in the registry's order
        assertThat(root.path("policies")).extracting(p -> p.path("policy").asText()).containsExactlyElementsOf(PolicyRegistry.names());
        for (JsonNode p : root.path("policies")) {
            JsonNode sim = p.path("sim");
            assertThat(p.has("real")).isFalse();
            int admitted = sim.path("guestsAdmitted").asInt();
            assertThat(p.path("guestsAdmitted").asInt()).isEqualTo(admitted);
            for (int i = 0; i < admitted; i++) assertThat(sim.path("steps").get(i).path("p95Slowdown").asDouble()).isLessThanOrEqualTo(bound);
            if (!sim.path("stopReason").asText().equals("all-admitted")) assertThat(sim.path("steps")).hasSize(admitted + 1);
        }
        assertThat(r.err()).contains("sim esx: 1 guests");
        assertThat(Files.readString(dir.resolve("density.html"))).contains("Guests admitted");
        assertThat(dir.resolve("density.json")).isNotEmptyFile();
    }

    @Test
    void aMistakeInTheMixNamesTheFileLineAndKey() throws Exception {
        Path mix = dir.resolve("bad.yaml");
        Files.writeString(mix, "guests:\n  - {name: a, fill: shiny}\n");
        CliRun r = CliRun.of("density", mix.toString(), "--sim");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("bad.yaml:2").contains("guests[0].fill");
    }

    @Test
    void theHelpFormatsEveryDescription() {
        // a bare % in a description made picocli print a warning and the raw text instead
        CliRun r = CliRun.of("density", "--help");
        assertThat(r.status()).isZero();
        assertThat(r.out().replaceAll("\\s+", " ")).contains("(default: 10% of the mix's host memory)");
        assertThat(r.err()).doesNotContain("picocli WARN");
    }

    @Test
    void usageErrorsExitTwo() {
        String mix = EXAMPLES.resolve("density-idle-heavy.yaml").toString();
        assertThat(CliRun.of("density", mix, "--sim", "--real").status()).isEqualTo(2);
        CliRun r = CliRun.of("density", mix, "--sim", "--policies", "esx,vmware");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("unknown policy 'vmware'");
        assertThat(CliRun.of("density", mix, "--sim", "--bound", "0.9").status()).isEqualTo(2);
    }
}
