package dev.memvisor.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * examples/fleet-bitbrains.yaml, as the README runs it: every policy finds an answer, one host fewer
 * misses the bound, and overcommit pays: the hosts needed are fewer than first-fit-decreasing by
 * configured memory gives (no overcommit).
 */
class FleetExampleTest {
    @TempDir Path dir;

    @Test
    void theBitbrainsFleetExample() throws Exception {
        Path out = dir.resolve("out");
        TestFleets.Run r = TestFleets.fleet(TestFleets.root().resolve("examples/fleet-bitbrains.yaml").toString(),
                "--out", out.toString(), "--master", "local[2]");
        System.out.println(r.out()); // the table, for the test report
        assertThat(r.status()).as(r.err()).isZero();
        JsonNode fleet = new ObjectMapper().readTree(out.resolve("fleet.json").toFile());
        // 24 traces; a VM whose trace starts after the window's start is left out, and said so
        assertThat(fleet.get("fleet").get("vms").asInt() + fleet.get("fleet").get("absentVms").size()).isEqualTo(24);
        assertThat(fleet.get("fleet").get("vms").asInt()).isGreaterThanOrEqualTo(20);
        int noOvercommit = fleet.get("fleet").get("search").get("firstGuess").asInt();
        int min = fleet.get("fleet").get("search").get("minHosts").asInt();
        assertThat(fleet.get("policies")).hasSize(3);
        for (JsonNode p : fleet.get("policies")) {
            String name = p.get("policy").asText();
            assertThat(p.get("hostsNeeded").isInt()).as(name).isTrue();
            int n = p.get("hostsNeeded").asInt();
            assertThat(p.get("answer").get("slowdown").get("max").asDouble()).as(name).isLessThanOrEqualTo(1.2);
            boolean oneFewerMissed = false;
            for (JsonNode c : p.get("tried")) {
                if (c.get("hosts").asInt() == n - 1) oneFewerMissed = !c.get("meetsBound").asBoolean();
            }
            assertThat(n == min || oneFewerMissed).as(name + ": one host fewer misses the bound").isTrue();
            assertThat(n).as(name + " needs fewer hosts than no overcommit (" + noOvercommit + ")").isLessThan(noOvercommit);
        }
    }
}
