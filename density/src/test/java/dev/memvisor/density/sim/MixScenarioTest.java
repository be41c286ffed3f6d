package dev.memvisor.density.sim;

import dev.memvisor.density.mix.Mix;
import dev.memvisor.density.mix.MixLoader;
import dev.memvisor.sim.hypervisor.HostReclaim;
import dev.memvisor.sim.scenario.Scenario;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every example mix becomes a scenario the simulator's own loader accepts, with the mix's host and guests. */
class MixScenarioTest {
    private static final Path EXAMPLES = Path.of(System.getProperty("memvisor.root", "..")).resolve("examples");

    @Test
    void everyExampleBecomesAScenario() throws Exception {
        try (var files = Files.list(EXAMPLES)) {
            for (Path p : files.filter(f -> f.getFileName().toString().startsWith("density-")).sorted().toList()) {
                Mix m = MixLoader.load(p, List.of());
                Scenario sc = MixScenario.scenario(m, "esx", m.guests());
                String text = MixScenario.text(m, "esx", m.guests());
                assertThat(text).as(p.toString()).contains("memory: " + m.hostBytes()).contains("name: " + m.guests().get(0).name());
                assertThat(sc).isNotNull();
            }
        }
    }

    @Test
    void theHostReclaimFollowsThePolicyUnlessTheMixSetsIt() throws Exception {
        Path file = EXAMPLES.resolve("density-idle-heavy.yaml");
        Mix m = MixLoader.load(file, List.of());
        assertThat(MixScenario.scenario(m, "esx", m.guests()).host().reclaim()).isEqualTo(HostReclaim.RANDOM);
        assertThat(MixScenario.scenario(m, "static", m.guests()).host().reclaim()).isEqualTo(HostReclaim.LRU);
        // the real host is Linux whatever the policy: a mix can simulate that for esx too
        Mix lru = MixLoader.load(file, List.of("host.reclaim=lru"));
        assertThat(MixScenario.scenario(lru, "esx", lru.guests()).host().reclaim()).isEqualTo(HostReclaim.LRU);
        assertThatThrownBy(() -> MixLoader.load(file, List.of("host.reclaim=clock")))
                .hasMessageContaining("host.reclaim").hasMessageContaining("got clock, expected random or lru");
    }

    @Test
    void theSimulatedHostsDeviceIsTheSimulatorsDefaultUnlessTheMixSetsIt() throws Exception {
        Path file = EXAMPLES.resolve("density-idle-heavy.yaml");
        Mix m = MixLoader.load(file, List.of());
        assertThat(MixScenario.scenario(m, "esx", m.guests()).host().storage().type()).isEqualTo("disk");
        Mix fast = MixLoader.load(file, List.of("host.storage.type=ssd", "host.storage.latency=84us", "host.storage.bandwidth=1G"));
        Scenario.Storage s = MixScenario.scenario(fast, "esx", fast.guests()).host().storage();
        assertThat(s.type()).isEqualTo("ssd");
        assertThat(s.latencyNs()).isEqualTo(84_000);
        assertThat(s.bytesPerSecond()).isEqualTo(1L << 30);
        assertThat(s.parallelism()).as("the type's, not set").isEqualTo(4);
        assertThatThrownBy(() -> MixLoader.load(file, List.of("host.storage.type=tape")))
                .hasMessageContaining("host.storage.type").hasMessageContaining("got tape, expected disk, ssd or nvme");
    }

    @Test
    void theSimulatedGuestsReplayTheirSchedule() throws Exception {
        Mix m = MixLoader.load(EXAMPLES.resolve("density-growing.yaml"), List.of());
        String text = MixScenario.text(m, "static", m.guests().subList(0, 2));
        assertThat(text).contains("repeat: true").contains("refsPerSecond: 1000").contains("workingSet: " + (160L << 20));
        assertThat(text).contains("writeFraction: 1.0").contains("writeFraction: 0.0");
    }
}
