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
        // fidelity (issue 13): a miss costs a device read with readahead and queueing (not a fixed 5 ms), hypervisor
        // I/O work competes for the cores, free guest pages are scattered (the free list shuffled at boot) and esx's
        // swap target lets a VM below target fault back up: the three VMs now do about the same work; the free list is
        // shuffled in 4 MiB blocks (mm/shuffle.c), not page by page (7 % more work in all than before issue 13); the guest
        // timer draws from its own random stream (guestcpu), no longer interleaved with the VM's references and swap
        // victims, so the same model takes another random path (work in all +0.08 %).
        // Issue 11 item 5 (esx in high holds back the headroom of a growing VM below its target and lets an inflation
        // a lower state ordered go on while it grows): fewer soft spells, as the balloons are no longer cut and raised
        // again at each: soft 17.7 s -> 3.3 s, 31 -> 18 state-change decisions, 1.9 % less work (562,829 refs)
        assertThat(r.totalRefs).isEqualTo(552_030);
        assertThat(r.vms).extracting(v -> v.refs).containsExactly(184_692L, 188_564L, 178_774L);
        assertThat(r.vms).extracting(v -> v.doublePagedPages).containsExactly(5_714L, 5_520L, 5_211L);
        // high, clear (never: classic thresholds have no clear state), soft, hard, low
        assertThat(r.secondsInState).containsExactly(83.5, 0.0, 3.3, 0.4, 2.8);
        assertThat(r.decisions).isEqualTo(24);
        assertThat(r.stateChangeDecisions).isEqualTo(18);
    }

    @Test
    void anotherSeedGivesAnotherRun() {
        assertThat(summary(SCENARIO, "seed=2")).isNotEqualTo(summary(SCENARIO));
    }
}
