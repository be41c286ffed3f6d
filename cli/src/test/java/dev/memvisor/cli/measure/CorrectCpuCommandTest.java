package dev.memvisor.cli.measure;

import dev.memvisor.cli.CliRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code memvisor correct-cpu} run in-process on constructed host and guest files. */
class CorrectCpuCommandTest {
    @TempDir
    Path tmp;

    /** Host and guest files (see PerfmonFixture), the guest clock {@code skew} s behind; processes "sql" and "web". */
    Path[] files(int minutes, int skew) throws IOException {
        Path h = tmp.resolve("host.csv"), g = tmp.resolve("guest.csv");
        Files.writeString(h, PerfmonFixture.hostCsv(minutes));
        Files.writeString(g, PerfmonFixture.guestCsv(minutes, skew, PerfmonFixture.FLE, PerfmonFixture.Names.english(), "sql", "web", false));
        return new Path[] {h, g};
    }

    @Test
    void jsonHasTheDocumentedShapeAndDoublesTheHalvedFigures() throws Exception {
        Path[] f = files(30, 0);
        CliRun r = CliRun.of("correct-cpu", "--host", f[0].toString(), "--guest", f[1].toString(), "--vm", "vm1", "--json");
        assertThat(r.status()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("vm").asText()).isEqualTo("vm1");
        assertThat(j.get("vcpus").asInt()).isEqualTo(2); // counted from Processor(0) and Processor(1)
        assertThat(j.get("windows")).hasSize(6);
        for (JsonNode w : j.get("windows")) {
            assertThat(w.get("w").asDouble()).isCloseTo(2.0, within(1e-3));
            double host = w.get("hostCpuPct").asDouble();
            assertThat(w.get("guestCpuPct").asDouble()).isCloseTo(host / 2, within(1e-2));
            JsonNode sql = w.get("processes").get("sql");
            assertThat(sql.get("correctedPct").asDouble()).isCloseTo(host * 2 / 3, within(1e-2));
            assertThat(sql.get("reportedPct").asDouble()).isCloseTo(host / 3, within(1e-2));
            assertThat(w.get("processes").has("web")).isTrue();
        }
        assertThat(j.get("windows").get(0).get("start").asText()).isEqualTo("2024-05-01T10:00:00Z");
    }

    @Test
    void autoOffsetRecoversASkewedGuestClock() throws Exception {
        Path[] f = files(40, 30);
        CliRun r = CliRun.of("correct-cpu", "--host", f[0].toString(), "--guest", f[1].toString(), "--vm", "vm1",
                "--clock-offset", "auto", "--json");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.err()).contains("estimated clock offset 30.0 s");
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("clockOffsetSeconds").asDouble()).isEqualTo(30.0);
        for (JsonNode w : j.get("windows")) assertThat(w.get("w").asDouble()).isCloseTo(2.0, within(0.01));
    }

    @Test
    void csvHasATotalRowAndAProcessRowPerWindow() throws Exception {
        Path[] f = files(10, 0);
        CliRun r = CliRun.of("correct-cpu", "--host", f[0].toString(), "--guest", f[1].toString(), "--vm", "vm1", "--csv");
        assertThat(r.status()).isZero();
        String[] lines = r.out().split("\n");
        assertThat(lines[0]).isEqualTo("start,end,hostCpuPct,guestCpuPct,w,process,reportedPct,correctedPct");
        assertThat(lines).hasSize(1 + 2 * 3);
        assertThat(lines[1]).contains(",_Total,");
        assertThat(lines[2]).contains(",sql,");
    }

    @Test
    void theTableNamesTheVmAndShortWindowsWarnWhy() throws Exception {
        Path[] f = files(10, 0);
        CliRun r = CliRun.of("correct-cpu", "--host", f[0].toString(), "--guest", f[1].toString(), "--vm", "vm1", "--window", "1m");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("VM vm1: 2 vCPUs").contains("sql").contains("corrected");
        assertThat(r.err()).contains("under 5 minutes").contains("64 times a second");
    }

    @Test
    void withoutProcessorInstancesVcpusMustBeGiven() throws Exception {
        Path h = tmp.resolve("h.csv");
        Files.writeString(h, "time,vm1\n2023-04-28T00:25:48Z,10\n");
        CliRun r = CliRun.of("correct-cpu", "--host", h.toString(), "--guest", "../data/perfmon/perfmon.csv", "--vm", "vm1");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("give --vcpus N");
    }

    @Test
    void theRealPerfmonExportAgainstAHostSeriesOfTheSameDays() throws Exception {
        // perfmon.csv starts 2023-04-28T00:25:48.490Z (local UTC+05:30); a host file measuring the VM at 1.5 x what the guest says.
        Path h = tmp.resolve("h.csv");
        StringBuilder sb = new StringBuilder("time,vm1\n");
        Instant start = Instant.parse("2023-04-28T00:25:40Z");
        for (int t = 0; t <= 3600; t += 20) sb.append(start.plusSeconds(t)).append(",30\n");
        Files.writeString(h, sb);
        CliRun r = CliRun.of("correct-cpu", "--host", h.toString(), "--guest", "../data/perfmon/perfmon.csv", "--vm", "vm1",
                "--vcpus", "4", "--json");
        assertThat(r.status()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("windows").size()).isGreaterThanOrEqualTo(11);
        assertThat(r.err()).contains("no Process(*)");
        JsonNode w0 = j.get("windows").get(0);
        assertThat(w0.get("w").asDouble()).isCloseTo(30 / w0.get("guestCpuPct").asDouble(), within(1e-9));
    }

    @Test
    void badInputsAreNamed() throws Exception {
        Path[] f = files(10, 0);
        CliRun unknown = CliRun.of("correct-cpu", "--host", "../data/esxtop/esxtop-data.csv", "--guest", f[1].toString(), "--vm", "zeus");
        assertThat(unknown.status()).isEqualTo(1);
        assertThat(unknown.err()).contains("esxtop-data.csv:1").contains("portunus");
        CliRun noOverlap = CliRun.of("correct-cpu", "--host", "../data/esxtop/esxtop-data.csv", "--guest", f[1].toString(), "--vm", "portunus");
        assertThat(noOverlap.status()).isEqualTo(1);
        assertThat(noOverlap.err()).contains("overlap");
        assertThat(CliRun.of("correct-cpu", "--host", f[0].toString(), "--guest", f[1].toString(), "--vm", "vm1", "--window", "five").status()).isEqualTo(2);
        assertThat(CliRun.of("correct-cpu", "--host", f[0].toString(), "--guest", f[1].toString(), "--vm", "vm1", "--csv", "--json").status()).isEqualTo(2);
        CliRun missing = CliRun.of("correct-cpu", "--host", tmp.resolve("none.csv").toString(), "--guest", f[1].toString(), "--vm", "vm1");
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).contains("none.csv");
    }
}
