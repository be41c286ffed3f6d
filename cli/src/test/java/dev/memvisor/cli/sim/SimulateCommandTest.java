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

    @Test
    void aPolicyParameterIsSetWithTheSamePathForSimulateAndCompare(@TempDir Path tmp) throws Exception {
        CliRun r = CliRun.of("simulate", example("idle-memory-tax.yaml").toString(), "--set", "duration=1m",
                "--set", "policy.idleTax=0.5", "--out", tmp.resolve("s").toString());
        assertThat(r.status()).as(r.err()).isZero();
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var policy = json.readTree(tmp.resolve("s/summary.json").toFile()).path("scenario").path("policy");
        assertThat(policy.path("name").asText()).isEqualTo("esx");
        assertThat(policy.path("idleTax").asDouble()).isEqualTo(0.5);
        assertThat(policy.path("proxmoxMaxStep").asText()).isEqualTo("100M");
        CliRun c = CliRun.of("compare", example("idle-memory-tax.yaml").toString(), "--policies", "esx", "--set", "duration=1m",
                "--set", "policy.idleTax=0.5", "--out", tmp.resolve("c").toString());
        assertThat(c.status()).as(c.err()).isZero();
        assertThat(json.readTree(tmp.resolve("c/summary.json").toFile()).path("scenario").path("policy").path("idleTax").asDouble())
                .isEqualTo(0.5);
        CliRun bad = CliRun.of("simulate", example("idle-memory-tax.yaml").toString(), "--set", "policy.idleTax=1", "--out", tmp.toString());
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.err()).contains("(--set policy.idleTax=1) field policy.idleTax: got 1.0, expected a number in [0, 1)");
    }

    /** Two VMs each reserving 600M on a 1G host: AdmissionControl refuses them. */
    private static Path overReserved(Path dir) throws Exception {
        return Files.writeString(dir.resolve("over.yaml"), """
                duration: 60s
                sampleInterval: 10s
                host: {memory: 1G}
                vms:
                  - {name: a, count: 2, memory: 1G, reservation: 600M, guest: {osMemory: 64M},
                     workload: {workingSet: 800M, refsPerSecond: 50000}}
                """);
    }

    @Test
    void aScenarioWhoseReservationsDoNotFitIsRefusedByAdmissionControl(@TempDir Path tmp) throws Exception {
        Path sc = overReserved(tmp);
        CliRun r = CliRun.of("simulate", sc.toString(), "--out", tmp.resolve("o").toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains(sc + ": admission control: vm a-2 refused: reservations and overheads would need 1.23G"
                + " but the host has 1G, short by 240M").contains("--allow-overcommitted-reservations");
        assertThat(tmp.resolve("o")).doesNotExist();
        CliRun c = CliRun.of("compare", sc.toString(), "--policies", "esx,static", "--out", tmp.resolve("c").toString());
        assertThat(c.status()).isEqualTo(1);
        assertThat(c.err()).contains("vm a-2 refused");
    }

    @Test
    void allowedAnOverReservedScenarioRunsAndCountsTheViolations(@TempDir Path tmp) throws Exception {
        CliRun r = CliRun.of("simulate", overReserved(tmp).toString(), "--allow-overcommitted-reservations", "--out", tmp.resolve("o").toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.err()).contains("warning: admission control: vm a-2 refused");
        var summary = new com.fasterxml.jackson.databind.ObjectMapper().readTree(tmp.resolve("o/summary.json").toFile());
        // both VMs hold about half their 600M reservation and swap: the pages they lost or were refused are counted
        long violations = summary.path("host").path("reservationViolationPages").asLong();
        assertThat(violations).isPositive();
        assertThat(summary.path("vms").get(0).path("reservationViolationPages").asLong()).isPositive();
        assertThat(summary.path("vms").get(1).path("reservationViolationPages").asLong()).isPositive();
        assertThat(r.out()).contains("reservation violations: esx: " + violations + " pages");
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void anUnusableOutFailsBeforeTheSimulationRuns(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        // ten simulated hours would take minutes: the refusal must come first
        for (Path out : List.of(file, file.resolve("sub"))) {
            CliRun r = CliRun.of("simulate", example("cpu-contention.yaml").toString(), "--set", "duration=10h", "--out", out.toString());
            assertThat(r.status()).isEqualTo(2);
            assertThat(r.err()).contains("--out " + out + ": ").doesNotContain("slowdown");
        }
        CliRun c = CliRun.of("compare", example("cpu-contention.yaml").toString(), "--set", "duration=10h", "--out", file.toString());
        assertThat(c.status()).isEqualTo(2);
        assertThat(c.err()).contains("not a folder");
        assertThat(Files.readString(file)).isEqualTo("x");
    }

    @Test
    void aBinaryOrMalformedScenarioIsNamedWithItsLineAndReason(@TempDir Path tmp) throws Exception {
        Path bin = Files.write(tmp.resolve("bin.yaml"), new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        CliRun r = CliRun.of("simulate", bin.toString(), "--out", tmp.resolve("o").toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains(bin + ":1: not a text file").doesNotContain("Input length");
        Path tab = Files.writeString(tmp.resolve("tab.yaml"), "duration: 10s\nhost:\n  memory: 1G\n\tcores: 2\nvms: [{name: a}]\n");
        assertThat(CliRun.of("simulate", tab.toString(), "--out", tmp.resolve("o").toString()).err())
                .contains(tab + ":4: not valid YAML: found character").contains("TAB");
        Path flow = Files.writeString(tmp.resolve("flow.yaml"), "duration: 10s\nhost: {memory: 1G\nvms: [{name: a}]\n");
        assertThat(CliRun.of("simulate", flow.toString(), "--out", tmp.resolve("o").toString()).err())
                .contains(flow + ":3: not valid YAML: expected ',' or '}'");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
