package dev.memvisor.cli.measure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memvisor.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Inputs that cannot hurt (issue 11, item 11): each is an error naming the file, the line and what was expected. */
class MeasureInputErrorsTest {
    static final String ESXTOP = "../data/esxtop/esxtop-data.csv";
    static final String HEADER = "\"(PDH-CSV 4.0) (UTC)(0)\",\"\\\\e\\Vcpu(7:web:70:vmx-vcpu-0:web)\\% Used\",\"\\\\e\\Group Memory(7:web)\\Memctl MBytes\"\n";

    @TempDir
    Path tmp;

    Path binary(String name) throws Exception {
        byte[] b = new byte[4096];
        new Random(42).nextBytes(b);
        b[10] = 0; // as in any gzip, JPEG or class file
        Path p = tmp.resolve(name);
        Files.write(p, b);
        return p;
    }

    @Test
    void binaryInputsSayWhatWasExpectedNotInputLength() throws Exception {
        Path bin = binary("blob.bin");
        Path host = tmp.resolve("host.csv");
        Files.writeString(host, PerfmonFixture.hostCsv(10));
        for (String[] args : new String[][] {
                {"correct-cpu", "--host", bin.toString(), "--guest", host.toString(), "--vm", "vm1"},
                {"correct-cpu", "--host", host.toString(), "--guest", bin.toString(), "--vm", "vm1"},
                {"analyze", "esxtop", bin.toString(), "--out", tmp.resolve("o").toString()}}) {
            CliRun r = CliRun.of(args);
            assertThat(r.status()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(r.err()).contains("blob.bin:").contains("got binary data").doesNotContain("Input length");
        }
    }

    @Test
    void aHeaderOnlyEsxtopExportIsAnErrorNotAReportOfNulls() throws Exception {
        Path p = tmp.resolve("empty.csv");
        Files.writeString(p, HEADER);
        CliRun r = CliRun.of("analyze", "esxtop", p.toString(), "--out", tmp.resolve("o").toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("empty.csv:2").contains("at least one sample row");
        assertThat(tmp.resolve("o").resolve("summary.json")).doesNotExist();
    }

    @Test
    void countersTooLargeForADoubleOrForAnyHostAndNegativeBalloonsAreErrors() throws Exception {
        String[][] cases = {
                {"1e400", "a finite number in column 3"},
                {"99999999999999999999999", "a size in MB from 0 to 1e9 in column 3 (\\\\e\\Group Memory(7:web)\\Memctl MBytes), got '99999999999999999999999'"},
                {"-512", "a size in MB from 0 to 1e9 in column 3 (\\\\e\\Group Memory(7:web)\\Memctl MBytes), got '-512'"},
                {"Infinity", "a finite number in column 3"}};
        for (String[] c : cases) {
            Path p = tmp.resolve("v.csv");
            Files.writeString(p, HEADER + "\"01/01/2024 00:00:00\",\"1\",\"10\"\n\"01/01/2024 00:00:05\",\"1\",\"" + c[0] + "\"\n");
            CliRun r = CliRun.of("analyze", "esxtop", p.toString(), "--out", tmp.resolve("o").toString());
            assertThat(r.status()).as(c[0]).isEqualTo(1);
            assertThat(r.err()).as(c[0]).contains("v.csv:3: " + c[1]);
        }
        // A blank or NaN field is a counter without a value in that sample, not an error.
        Path p = tmp.resolve("nan.csv");
        Files.writeString(p, HEADER + "\"01/01/2024 00:00:00\",\"1\",\" \"\n\"01/01/2024 00:00:05\",\"1\",\"NaN\"\n");
        CliRun r = CliRun.of("analyze", "esxtop", p.toString(), "--out", tmp.resolve("o").toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(new ObjectMapper().readTree(tmp.resolve("o").resolve("summary.json").toFile()).get("vms").get(0).get("last").get("memctlMBytes").isNull()).isTrue();
    }

    @Test
    void aGuestProcessorTotalAbove100PercentIsAnError() throws Exception {
        Path host = tmp.resolve("host.csv");
        Files.writeString(host, PerfmonFixture.hostCsv(10));
        Path g = tmp.resolve("g.csv");
        Files.writeString(g, "\"(PDH-CSV 4.0) (UTC)(0)\",\"\\\\G\\Processor(_Total)\\% Processor Time\"\n\"05/01/2024 10:00:00\",\"40\"\n\"05/01/2024 10:00:15\",\"250\"\n");
        CliRun r = CliRun.of("correct-cpu", "--host", host.toString(), "--guest", g.toString(), "--vm", "vm1", "--vcpus", "2");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("g.csv:3: a percentage from 0 to 100 in column 2");
    }

    @Test
    void theRealExportsKernelStateIsClearNotSoft() throws Exception {
        CliRun r = CliRun.of("analyze", "esxtop", ESXTOP, "--out", tmp.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("host localhost.home: memory state clear (free memory 146 % of minFree)");
        JsonNode host = new ObjectMapper().readTree(tmp.resolve("summary.json").toFile()).get("host");
        assertThat(host.get("memoryStateName").get("last").asText()).isEqualTo("clear");
        assertThat(host.get("freePctOfMinFree").asDouble()).isBetween(145.0, 147.0);
        assertThat(host.get("flags").toString()).contains("memory-state-not-high").doesNotContain("memory-state-soft-or-worse");
        assertThat(Files.readString(tmp.resolve("report.html"))).contains("high, clear, soft, hard, low): clear in the last sample");
    }

    @Test
    void aKernelStateThatContradictsFreeMemoryIsReported() throws Exception {
        // Free memory at 146 % of minFree (high, or clear after a fall below 100 %) but Kernel State 3 (hard): more than hysteresis can explain.
        Path p = tmp.resolve("k.csv");
        Files.writeString(p, "\"(PDH-CSV 4.0) (UTC)(0)\",\"\\\\e\\Memory\\Free MBytes\",\"\\\\e\\Memory\\Kernel MinFree MBytes\",\"\\\\e\\Memory\\Kernel State\","
                + "\"\\\\e\\Group Memory(7:web)\\Memctl MBytes\"\n\"01/01/2024 00:00:00\",\"590\",\"403\",\"3\",\"1\"\n");
        CliRun r = CliRun.of("analyze", "esxtop", p.toString(), "--out", tmp.resolve("o").toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.err()).contains("warning: ").contains("Kernel State 3 (hard").contains("146 % of MinFree, which is high").contains("ESXi 5.x");
        assertThat(r.out()).contains("memory-state-soft-or-worse");
        Path bad = tmp.resolve("k5.csv");
        Files.writeString(bad, "\"(PDH-CSV 4.0) (UTC)(0)\",\"\\\\e\\Memory\\Kernel State\",\"\\\\e\\Group Memory(7:web)\\Memctl MBytes\"\n\"01/01/2024 00:00:00\",\"5\",\"1\"\n");
        CliRun r5 = CliRun.of("analyze", "esxtop", bad.toString(), "--out", tmp.resolve("o5").toString());
        assertThat(r5.status()).isEqualTo(1);
        assertThat(r5.err()).contains("k5.csv:2: a memory state from 0 (high) to 4 (low) in column 2");
    }
}
