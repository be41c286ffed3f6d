package dev.memvisor.cli.fidelity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memvisor.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code memvisor fidelity} run for real on the project's manifest (every source row, the simulator's defaults): it
 * fails when a row leaves the place the manifest gives it (in its band, or a stated known miss), so a change of the
 * model that moves a row is seen here.
 */
class FidelityCommandTest {
    private static final Path FIDELITY = Path.of(System.getProperty("memvisor.root", "..")).resolve("examples").resolve("fidelity");

    @Test
    void everyRowIsWhereTheManifestSaysAndTheTableAndJsonAgree(@TempDir Path tmp) throws Exception {
        CliRun r = CliRun.of("fidelity", FIDELITY.resolve("fidelity.yaml").toString(), "--out", tmp.toString());
        assertThat(r.status()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("published").contains("simulated").contains("error").contains("verdict");
        JsonNode rows = new ObjectMapper().readTree(tmp.resolve("fidelity.json").toFile()).get("rows");
        assertThat(rows).hasSizeGreaterThanOrEqualTo(8);
        for (JsonNode row : rows) {
            String id = row.get("id").asText();
            double sim = row.get("simulated").asDouble(), low = row.get("band").get(0).asDouble(), high = row.get("band").get(1).asDouble();
            assertThat(Double.isFinite(sim)).as(id + " simulated").isTrue();
            assertThat(row.get("inBand").asBoolean()).as(id).isEqualTo(sim >= low && sim <= high);
            assertThat(row.get("inBand").asBoolean()).as(id + " where the manifest expects it").isEqualTo("pass".equals(row.get("expect").asText()));
            assertThat(row.get("error").asDouble()).as(id).isEqualTo((sim - row.get("published").asDouble()) / row.get("published").asDouble());
            if (!row.get("inBand").asBoolean()) assertThat(row.get("why").asText()).as(id + ": a known miss says why").isNotBlank();
            assertThat(r.out()).contains(id);
        }
        assertThat(tmp.resolve("report.html")).isNotEmptyFile();
    }

    @Test
    void aRowOutOfItsBandFailsTheCommand(@TempDir Path tmp) throws Exception {
        Path m = tmp.resolve("m.yaml");
        Files.writeString(m, """
                rows:
                  - id: sharing-too-high
                    source: test
                    claim: a band the simulated sharing cannot be in
                    published: 0.99
                    unit: "%%"
                    band: [0.98, 1.0]
                    metric: sharedFraction
                    run: {scenario: "%s", set: ["duration=60s"]}
                """.formatted(FIDELITY.resolve("sharing.yaml").toAbsolutePath().toString().replace("\\", "/")));
        CliRun r = CliRun.of("fidelity", m.toString());
        assertThat(r.status()).isEqualTo(FidelityCommand.OUT_OF_BAND);
        assertThat(r.out()).contains("sharing-too-high").contains("MISS");
    }

    @Test
    void aBadManifestNamesTheRowAndField(@TempDir Path tmp) throws Exception {
        Path m = tmp.resolve("m.yaml");
        Files.writeString(m, """
                rows:
                  - id: r1
                    source: test
                    claim: c
                    published: 1
                    band: [0, 2]
                    metric: speed
                    run: {scenario: nowhere.yaml}
                """);
        CliRun r = CliRun.of("fidelity", m.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("rows[0] (r1).metric").contains("unknown metric 'speed'").contains("slowdownRatio");
        CliRun missing = CliRun.of("fidelity", tmp.resolve("none.yaml").toString());
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("none.yaml");
    }
}
