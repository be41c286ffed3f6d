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
            policy: {sharingScanPagesPerSecond: 5000}
            host: {memory: 1G, cores: 2}
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
        // simfix: the policy re-runs on every state change and esx's balloons relax in high, so the host leaves
        // low sooner (15 s in low before, 2.5 s now) and the VMs do a third more work with a third of the double paging
        assertThat(r.totalRefs).isEqualTo(524_197);
        assertThat(r.vms).extracting(v -> v.refs).containsExactly(190_886L, 167_266L, 166_045L);
        assertThat(r.vms).extracting(v -> v.doublePagedPages).containsExactly(3_265L, 6_035L, 6_672L);
        // high, clear (never: classic thresholds have no clear state), soft, hard, low
        assertThat(r.secondsInState).containsExactly(83.3, 0.0, 3.3, 0.9, 2.5);
        assertThat(r.decisions).isEqualTo(24);
        assertThat(r.stateChangeDecisions).isEqualTo(18);
    }

    @Test
    void anotherSeedGivesAnotherRun() {
        assertThat(summary(SCENARIO, "seed=2")).isNotEqualTo(summary(SCENARIO));
    }
}
