package dev.memvisor.cli.sim;

import dev.memvisor.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs {@code memvisor simulate}, {@code compare} and {@code bench} in-process, end to end. */
class SimulateCommandTest {
    static Path example(String name) {
        String root = System.getProperty("memvisor.root", "..");
        return Path.of(root).resolve("examples").resolve(name).toAbsolutePath().normalize();
    }

    @Test
    void simulateWritesEveryOutputAndTheSameSeedGivesTheSameSummary(@TempDir Path tmp) throws Exception {
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        String[] common = {"--set", "duration=60s", "--set", "sampleInterval=20s"};
        CliRun r = CliRun.of(concat(new String[] {"simulate", example("cpu-contention.yaml").toString(), "--out", a.toString()}, common));
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("app-1").contains("slowdown").contains("report.html");
        for (String f : List.of("summary.json", "timeseries.csv", "esxtop.csv", "cpu.csv", "report.html")) {
            assertThat(a.resolve(f)).isNotEmptyFile();
        }
        List<String> cpu = Files.readAllLines(a.resolve("cpu.csv"));
        assertThat(cpu.get(0)).isEqualTo("timeSeconds,vm,vcpus,process,trueCpuPct,reportedCpuPct,hostCpuPct");
        // 3 samples x 4 VMs x (app + 3 processes + _Total)
        assertThat(cpu).hasSize(1 + 3 * 4 * 5);
        assertThat(cpu).anyMatch(l -> l.startsWith("20,app-1,4,_Total,"));
        List<String> esx = Files.readAllLines(a.resolve("esxtop.csv"));
        assertThat(esx.get(0)).startsWith("\"(PDH-CSV 4.0) (UTC)(0)\"").contains("\\Group Memory(1000:app-1)\\Memory Granted Size MBytes");
        assertThat(esx).hasSize(4);
        String summary = Files.readString(a.resolve("summary.json"));
        assertThat(summary).contains("\"policy\" : \"esx\"").contains("\"secondsInState\"").contains("\"doublePagedPages\"");
        assertThat(Files.readString(a.resolve("report.html"))).startsWith("<!DOCTYPE html>").contains("memvisorChart(", "Host free memory");

        CliRun again = CliRun.of(concat(new String[] {"simulate", example("cpu-contention.yaml").toString(), "--out", b.toString()}, common));
        assertThat(again.status()).isZero();
        assertThat(Files.readAllBytes(b.resolve("summary.json"))).isEqualTo(Files.readAllBytes(a.resolve("summary.json")));
    }

    @Test
    void theEsxtopFileReadsBackWithTheMeasurementModulesReader(@TempDir Path tmp) throws Exception {
        CliRun r = CliRun.of("simulate", example("cpu-contention.yaml").toString(), "--set", "duration=2m", "--out", tmp.toString());
        assertThat(r.status()).as(r.err()).isZero();
        var used = dev.memvisor.measure.cpu.HostCpuReader.read(tmp.resolve("esxtop.csv"), "app-2", "% Used");
        assertThat(used.size()).isEqualTo(6);
        // the same host-measured CPU cpu.csv carries for app-2 at 20 s
        String row = Files.readAllLines(tmp.resolve("cpu.csv")).stream()
                .filter(l -> l.startsWith("20,app-2,4,_Total,")).findFirst().orElseThrow();
        double host = Double.parseDouble(row.substring(row.lastIndexOf(',') + 1));
        assertThat(used.values()[0]).isCloseTo(host, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void aBadScenarioFailsBeforeRunningNamingFileLineAndField(@TempDir Path tmp) throws Exception {
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, "duration: 60s\nhost:\n  memory: 4G\n  cpus: 4\nvms:\n  - name: a\n");
        CliRun r = CliRun.of("simulate", bad.toString(), "--out", tmp.resolve("o").toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("bad.yaml:4:").contains("host.cpus").contains("unknown field");
        assertThat(tmp.resolve("o")).doesNotExist();
    }

    @Test
    void aMissingOutOrAMalformedSetIsAUsageError(@TempDir Path tmp) {
        CliRun r = CliRun.of("simulate", example("cpu-contention.yaml").toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--out");
        CliRun bad = CliRun.of("simulate", example("cpu-contention.yaml").toString(), "--set", "duration", "--out", tmp.toString());
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains("--set duration: expected PATH=VALUE");
    }

    @Test
    void aNegativeOverrideFailsNamingTheSet(@TempDir Path tmp) {
        CliRun r = CliRun.of("simulate", example("cpu-contention.yaml").toString(), "--set", "host.memory=-4G", "--out", tmp.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("(--set host.memory=-4G)").contains("host.memory");
    }

    @Test
    void compareRunsEachPolicyAndWritesOneEntryPerPolicy(@TempDir Path tmp) throws Exception {
        CliRun r = CliRun.of("compare", example("idle-memory-tax.yaml").toString(), "--policies", "esx,static",
                "--set", "duration=3m", "--out", tmp.toString());
        assertThat(r.status()).as(r.err()).isZero();
        String s = Files.readString(tmp.resolve("summary.json"));
        assertThat(s).contains("\"policies\"").contains("\"policy\" : \"esx\"").contains("\"policy\" : \"static\"")
                .contains("\"reclaimed\"");
        assertThat(tmp.resolve("esx/summary.json")).isNotEmptyFile();
        assertThat(tmp.resolve("report.html")).isNotEmptyFile();
        assertThat(CliRun.of("compare", example("idle-memory-tax.yaml").toString(), "--policies", "nope", "--out", tmp.toString()).status())
                .isEqualTo(2);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
