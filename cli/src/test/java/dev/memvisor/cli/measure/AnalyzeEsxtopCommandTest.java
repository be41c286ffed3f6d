package dev.memvisor.cli.measure;

import dev.memvisor.cli.CliRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code memvisor analyze esxtop} on the real export in data/. */
class AnalyzeEsxtopCommandTest {
    static final String ESXTOP = "../data/esxtop/esxtop-data.csv";

    @TempDir
    Path tmp;

    @Test
    void writesSummaryJsonOfTheDocumentedShapeWithDisplayNames() throws Exception {
        CliRun r = CliRun.of("analyze", "esxtop", ESXTOP, "--out", tmp.toString());
        assertThat(r.status()).as(r.err()).isZero();
        JsonNode s = new ObjectMapper().readTree(tmp.resolve("summary.json").toFile());
        assertThat(s.get("host").get("name").asText()).isEqualTo("localhost.home");
        assertThat(s.get("vms")).hasSize(6);
        JsonNode portunus = s.get("vms").get(1);
        assertThat(portunus.get("name").asText()).isEqualTo("portunus");
        for (String k : new String[] {"memctlMBytes", "swappedMBytes", "sharedSavedMBytes", "grantedMBytes", "readyPct"}) {
            assertThat(portunus.get("last").has(k)).as(k).isTrue();
            assertThat(portunus.get("mean").has(k)).as(k).isTrue();
        }
        assertThat(portunus.get("last").get("memctlMBytes").asDouble()).isEqualTo(1302.0);
        assertThat(portunus.get("last").get("swappedMBytes").asDouble()).isEqualTo(459.67);
        assertThat(portunus.get("flags").toString()).contains("ballooning-and-swapping", "large-sharing-savings");
        assertThat(r.out()).contains("portunus: ballooning-and-swapping");
    }

    @Test
    void reportHtmlIsSelfContainedWithCharts() throws Exception {
        assertThat(CliRun.of("analyze", "esxtop", ESXTOP, "--out", tmp.toString()).status()).isZero();
        String html = Files.readString(tmp.resolve("report.html"));
        assertThat(html).contains("memvisorChart(", "Memory per VM", "CPU ready per vCPU", "poseidon", "ballooning-and-swapping");
        // nothing is fetched: no external script, stylesheet or image (uPlot's own licence comment names its home page)
        assertThat(html).doesNotContain("<script src", "<link", "<img", "url(http");
    }

    @Test
    void aMissingFileIsAFailureNamingIt() {
        CliRun r = CliRun.of("analyze", "esxtop", tmp.resolve("nope.csv").toString(), "--out", tmp.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("nope.csv");
    }

    @Test
    void aMalformedFileNamesTheLine() throws Exception {
        Path bad = tmp.resolve("bad.csv");
        Files.writeString(bad, "\"(PDH-CSV 4.0) (UTC)(0)\",\"\\\\e\\Vcpu(7:web:70:vmx-vcpu-0:web)\\% Used\",\"\\\\e\\Group Cpu(7:web)\\% Ready\"\n"
                + "\"01/01/2024 00:00:00\",\"1\",\"2\"\n\"01/01/2024 00:00:05\",\"1\",\"x\"\n");
        CliRun r = CliRun.of("analyze", "esxtop", bad.toString(), "--out", tmp.resolve("o").toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("bad.csv:3").contains("Group Cpu(7:web)").contains("got 'x'");
    }

    @Test
    void withoutTheOutOptionItIsAUsageError() {
        assertThat(CliRun.of("analyze", "esxtop", ESXTOP).status()).isEqualTo(2);
        assertThat(CliRun.of("analyze").status()).isEqualTo(2);
    }
}
