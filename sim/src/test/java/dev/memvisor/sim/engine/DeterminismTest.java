package dev.memvisor.sim.engine;

import dev.memvisor.sim.report.SummaryWriter;
import dev.memvisor.sim.scenario.Scenario;
import dev.memvisor.sim.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DeterminismTest {
    static final String SCENARIO = """
            duration: 90s
            sampleInterval: 10s
            host: {memory: 1G, cores: 2, policy: {sharingScanPagesPerSecond: 5000}}
            vms:
              - name: v
                count: 3
                memory: 512M
                guest: {osMemory: 64M}
                workload: {workingSet: 380M, skew: 0.7, writeFraction: 0.3, refsPerSecond: 20000}
            """;

    private static String summary(String text, String... sets) {
        Scenario s = ScenarioLoader.parse(text, "d.yaml", Path.of("."), List.of(sets));
        return SummaryWriter.summary(new Simulation(s).run(null)).toString();
    }

    @Test
    void theSameScenarioAndSeedGiveTheSameSummary() {
        String a = summary(SCENARIO);
        assertThat(summary(SCENARIO)).isEqualTo(a);
        assertThat(a).contains("\"policy\":\"esx\"");
    }

    /** Pinned numbers of this seeded run: a change in them is a change in the model, to be explained in its commit. */
    @Test
    void pinnedRegressionNumbers() {
        Scenario s = ScenarioLoader.parse(SCENARIO, "d.yaml", Path.of("."), List.of());
        var r = new Simulation(s).run(null);
        assertThat(r.totalRefs).isEqualTo(395_063);
        assertThat(r.vms).extracting(v -> v.refs).containsExactly(130_487L, 130_076L, 134_500L);
        assertThat(r.vms).extracting(v -> v.doublePagedPages).containsExactly(10_398L, 10_571L, 8_988L);
        assertThat(r.secondsInState).containsExactly(75.0, 0.0, 0.0, 15.0);
    }

    @Test
    void anotherSeedGivesAnotherRun() {
        assertThat(summary(SCENARIO, "seed=2")).isNotEqualTo(summary(SCENARIO));
    }
}
