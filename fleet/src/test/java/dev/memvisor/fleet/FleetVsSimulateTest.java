package dev.memvisor.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fleet run on Spark ({@code local[2]}) against the same hosts run one by one with the real
 * {@code memvisor simulate}: identical summary.json per host, and fleet.json's figures recomputed
 * from those; and the same fleet on {@code local[1]} gives the same fleet.json byte for byte.
 */
class FleetVsSimulateTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir static Path dir;
    static TestFleets.Run run;
    static Path out;

    @BeforeAll
    static void runTheFleet() throws IOException {
        Path fleet = TestFleets.small(dir);
        out = dir.resolve("out2");
        run = TestFleets.fleet(fleet.toString(), "--out", out.toString(), "--master", "local[2]");
        assertThat(run.status()).as(run.err()).isZero();
    }

    @Test
    void everyHostMatchesMemvisorSimulate() throws IOException {
        List<Path> scenarios;
        try (Stream<Path> s = Files.walk(out.resolve("hosts"))) {
            scenarios = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(scenarios).hasSizeGreaterThanOrEqualTo(4);
        for (Path yaml : scenarios) {
            Path sim = dir.resolve("simulate").resolve(out.relativize(yaml).toString().replace('/', '_'));
            TestFleets.Run r = TestFleets.cli("simulate", yaml.toString(), "--out", sim.toString());
            assertThat(r.status()).as(r.err()).isZero();
            String fleetSummary = Files.readString(Path.of(yaml.toString().replaceFirst("\\.yaml$", ".summary.json")));
            assertThat(Files.readString(sim.resolve("summary.json"))).as(yaml.toString()).isEqualTo(fleetSummary);
        }
    }

    @Test
    void fleetJsonAgreesWithTheHostSummaries() throws IOException {
        JsonNode fleet = JSON.readTree(out.resolve("fleet.json").toFile());
        for (JsonNode p : fleet.get("policies")) {
            for (JsonNode c : p.get("tried")) {
                if (!c.get("admitted").asBoolean()) continue;
                Path folder = out.resolve("hosts").resolve(p.get("policy").asText()).resolve(c.get("hosts").asInt() + "-hosts");
                List<Double> slow = new ArrayList<>();
                long swapped = 0;
                try (Stream<Path> s = Files.list(folder)) {
                    for (Path f : s.filter(x -> x.toString().endsWith(".summary.json")).toList()) {
                        for (JsonNode v : JSON.readTree(f.toFile()).get("vms")) {
                            slow.add(v.get("slowdown").asDouble());
                            swapped += v.get("peakSwappedBytes").asLong();
                        }
                    }
                }
                double max = slow.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
                assertThat(slow).hasSize(fleet.get("fleet").get("vms").asInt());
                assertThat(c.get("slowdown").get("max").asDouble()).isEqualTo(max);
                assertThat(c.get("peakSwappedBytes").asLong()).isEqualTo(swapped);
                assertThat(c.get("meetsBound").asBoolean()).isEqualTo(max <= fleet.get("fleet").get("slowdownBound").asDouble());
            }
        }
    }

    @Test
    void theAnswerIsTheFewestHostsTriedThatMeetTheBound() throws IOException {
        JsonNode fleet = JSON.readTree(out.resolve("fleet.json").toFile());
        int min = fleet.get("fleet").get("search").get("minHosts").asInt();
        for (JsonNode p : fleet.get("policies")) {
            int answer = p.get("hostsNeeded").asInt();
            boolean belowTriedAndFailed = false;
            for (JsonNode c : p.get("tried")) {
                int n = c.get("hosts").asInt();
                if (n == answer) assertThat(c.get("meetsBound").asBoolean()).isTrue();
                if (n < answer) assertThat(c.get("meetsBound").asBoolean()).as(p.get("policy") + " on " + n).isFalse();
                if (n == answer - 1) belowTriedAndFailed = true;
            }
            assertThat(answer == min || belowTriedAndFailed).as(p.get("policy") + ": one host fewer was tried").isTrue();
            assertThat(p.get("placement").size()).isEqualTo(answer);
        }
        assertThat(run.out()).contains("policy", "esx", "static", "outputs:");
        assertThat(Files.readString(out.resolve("report.html"))).contains("memvisorChart(", "Hosts needed").doesNotContain("<script src", "<link");
    }

    @Test
    void oneTaskSlotGivesTheSameFleetJson() throws IOException {
        Path one = dir.resolve("out1");
        TestFleets.Run r = TestFleets.fleet(TestFleets.small(dir).toString(), "--out", one.toString(), "--master", "local[1]");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(Files.readString(one.resolve("fleet.json"))).isEqualTo(Files.readString(out.resolve("fleet.json")));
    }
}
