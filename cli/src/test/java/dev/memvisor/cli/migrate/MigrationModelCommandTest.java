package dev.memvisor.cli.migrate;

import dev.memvisor.cli.CliRun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code memvisor migration-model} end to end through the real command line. */
class MigrationModelCommandTest {
    private static final long MIB = 1 << 20;

    @Test
    void anIdleGuestThatFreedMostOfItsMemoryIsCheapWithFreePageKnowledge() throws Exception {
        // 64 MiB: 8 used, 40 written then freed, 16 never written
        CliRun r = CliRun.of("migration-model", "--memory", "64M", "--used", "8M", "--freed", "40M", "--json");
        assertThat(r.status()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.path("guest").path("ram_bytes").asLong()).isEqualTo(64 * MIB);
        JsonNode results = j.path("results");
        assertThat(results).hasSize(3);
        JsonNode plain = results.get(0), hint = results.get(1), balloon = results.get(2);
        assertThat(plain.path("strategy").asText()).isEqualTo("plain");
        // plain: the 48 MiB of data as full pages with 8-byte headers, the 16 MiB of zero pages as 9-byte markers
        assertThat(plain.path("transferred_bytes").asLong()).isEqualTo(48 * 256 * (4096 + 8) + 16 * 256 * 9);
        assertThat(plain.path("zero_pages").asLong()).isEqualTo(16 * 256);
        assertThat(plain.path("iterations").asInt()).isEqualTo(3);
        assertThat(plain.path("converged").asBoolean()).isTrue();
        // free-page-hint sends only the used 8 MiB
        assertThat(hint.path("transferred_bytes").asLong()).isEqualTo(8 * 256 * (4096 + 8));
        assertThat(hint.path("skipped_free_pages").asLong()).isEqualTo(56 * 256);
        assertThat(hint.path("vs_plain").asDouble()).isLessThan(0.2);
        // balloon-first keeps 8 MiB + 4 MiB headroom: the freed pages go into the balloon first, the headroom is zero pages
        assertThat(balloon.path("ballooned_pages").asLong()).isEqualTo(52 * 256);
        assertThat(balloon.path("transferred_bytes").asLong()).isEqualTo(8 * 256 * (4096 + 8) + 56 * 256 * 9);
        assertThat(balloon.path("balloon_time_ms").asDouble()).isPositive();
    }

    @Test
    void aGuestThatDirtiesFasterThanTheLinkIsReportedAsNotConverging() throws Exception {
        CliRun r = CliRun.of("migration-model", "--memory", "64M", "--used", "0", "--working-set", "32M", "--dirty-rate", "5000",
                "--bandwidth", "10M", "--max-iterations", "5", "--strategy", "plain");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("plain").contains("iteration cap").doesNotContain("free-page-hint");
        CliRun j = CliRun.of("migration-model", "--memory", "64M", "--used", "0", "--working-set", "32M", "--dirty-rate", "5000",
                "--bandwidth", "10M", "--max-iterations", "5", "--strategy", "plain", "--json");
        JsonNode res = new ObjectMapper().readTree(j.out()).path("results").get(0);
        assertThat(res.path("converged").asBoolean()).isFalse();
        assertThat(res.path("iterations").asInt()).isEqualTo(5);
        assertThat(res.path("normal_pages_per_round")).hasSize(4);
    }

    @Test
    void calibrateComparesTheModelWithTheMeasuredRuns() throws Exception {
        CliRun table = CliRun.of("migration-model", "--calibrate");
        assertThat(table.status()).as(table.err()).isZero();
        assertThat(table.out()).contains("456.8").contains("balloon-first").contains("busy 128 MiB working set");
        CliRun r = CliRun.of("migration-model", "--calibrate", "--json");
        JsonNode rows = new ObjectMapper().readTree(r.out()).path("rows");
        assertThat(rows).hasSize(6);
        JsonNode aPlain = rows.get(0);
        assertThat(aPlain.path("scenario").asText()).isEqualTo("a");
        assertThat(aPlain.path("measured").path("transferred_bytes").asLong()).isEqualTo(Math.round(456.8 * MIB));
        double model = aPlain.path("model").path("transferred_bytes").asDouble();
        double real = aPlain.path("measured").path("transferred_bytes").asDouble();
        assertThat(aPlain.path("bytes_error").asDouble()).isCloseTo((model - real) / real, within(1e-9));
    }

    @Test
    void modelsAVmAsASimulationLeftIt(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("two.yaml");
        Files.writeString(yaml, """
                duration: 10s
                sampleInterval: 5s
                host: {memory: 2G, cores: 2, controlInterval: 5s}
                vms:
                  - {name: web, memory: 256M, guest: {osMemory: 32M}, workload: {workingSet: 64M, writeFraction: 0.1, refsPerSecond: 20000}}
                  - {name: db, memory: 512M, guest: {osMemory: 32M}, workload: {workingSet: 128M, writeFraction: 0.5, refsPerSecond: 20000}}
                """);
        CliRun r = CliRun.of("migration-model", "--scenario", yaml.toString(), "--vm", "db", "--set", "duration=5s", "--json");
        assertThat(r.status()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        JsonNode guest = j.path("guest");
        assertThat(guest.path("vm").asText()).isEqualTo("db");
        assertThat(guest.path("ram_bytes").asLong()).isEqualTo(512 * MIB);
        // the application's pages are in use, the untouched rest is free: db's writes are 20000 x 0.5 a second
        assertThat(guest.path("free_bytes").asLong()).isGreaterThan(256 * MIB);
        assertThat(guest.path("dirty_pages_per_second").asDouble()).isEqualTo(10000.0);
        JsonNode results = j.path("results");
        assertThat(results.get(1).path("transferred_bytes").asLong()).isLessThan(results.get(0).path("transferred_bytes").asLong());
        assertThat(results.get(1).path("skipped_free_pages").asLong() * 4096).isEqualTo(guest.path("free_bytes").asLong());

        CliRun bad = CliRun.of("migration-model", "--scenario", yaml.toString(), "--vm", "mail");
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains("mail").contains("web, db");
    }

    @Test
    void calibratesAgainstAnotherFileOfMeasurements(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("mine.json");
        // an idle 64 MiB guest with 8 MiB in use and 40 MiB freed: the model sends 48 MiB of pages plus headers and markers
        Files.writeString(f, """
                {"model": {"bandwidthMiBps": 64, "stopCopyMiBps": 256, "downtimeLimitMs": 300, "balloonMiBps": 512},
                 "scenarios": [{"name": "x", "description": "idle", "ramMiB": 64, "usedMiB": 8, "workingSetMiB": 0, "freedMiB": 40,
                   "dirtyPagesPerSecond": 0,
                   "measured": {"plain": {"transferredMiB": 50, "totalMs": 800, "downtimeMs": 10, "iterations": 3, "zeroPages": 4096}}}]}
                """);
        CliRun r = CliRun.of("migration-model", "--calibrate", "--measured", f.toString(), "--json");
        assertThat(r.status()).as(r.err()).isZero();
        JsonNode rows = new ObjectMapper().readTree(r.out()).path("rows");
        assertThat(rows).hasSize(1);
        long model = rows.get(0).path("model").path("transferred_bytes").asLong();
        assertThat(model).isEqualTo(48 * 256 * (4096 + 8) + 16 * 256 * 9);
        assertThat(rows.get(0).path("bytes_error").asDouble()).isCloseTo((model - 50.0 * MIB) / (50.0 * MIB), within(1e-9));

        Files.writeString(f, "{\"model\": {\"bandwidthMiBps\": 64}}");
        CliRun bad = CliRun.of("migration-model", "--calibrate", "--measured", f.toString());
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.err()).contains("mine.json").contains("stopCopyMiBps: missing");
    }

    @Test
    void badOptionsGetAUsageErrorNamingTheOption() {
        CliRun r = CliRun.of("migration-model", "--memory", "64M", "--used", "60M", "--freed", "10M");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("at most the guest's RAM");
        CliRun s = CliRun.of("migration-model", "--strategy", "teleport");
        assertThat(s.status()).isEqualTo(2);
        assertThat(s.err()).contains("teleport").contains("balloon-first");
        CliRun v = CliRun.of("migration-model", "--vm", "db");
        assertThat(v.status()).isEqualTo(2);
        assertThat(v.err()).contains("--scenario");
        CliRun b = CliRun.of("migration-model", "--bandwidth", "fast");
        assertThat(b.status()).isEqualTo(2);
        assertThat(b.err()).contains("--bandwidth");
    }
}
