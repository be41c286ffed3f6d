package dev.memvisor.sim.engine;

import dev.memvisor.sim.report.SimResult;
import dev.memvisor.core.counter.Counter;
import dev.memvisor.sim.scenario.Scenario;
import dev.memvisor.sim.scenario.ScenarioLoader;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The policy runs again as soon as the host memory state changes, not only at the control interval. */
class StateChangeDecisionTest {
    /** Two VMs fill a 1G host within seconds; the control interval (10 minutes) is longer than the run. */
    static final String SCENARIO = """
            seed: 3
            duration: 60s
            sampleInterval: 2s
            host: {memory: 1G, cores: 2, controlInterval: 10m, overheadPerVm: 16M}
            vms:
              - name: v
                count: 2
                memory: 768M
                guest: {osMemory: 32M}
                workload: {workingSet: 600M, skew: 0, writeFraction: 1.0, refsPerSecond: 40000}
            """;

    @Test
    void aStateChangeBetweenIntervalsRunsThePolicyAtOnce() {
        Scenario s = ScenarioLoader.parse(SCENARIO, "s.yaml", Path.of("."), List.of());
        SimResult r = new Simulation(s).run(null);
        List<Double> state = r.series(Counter.HOST_STATE);
        List<Double> free = r.series(Counter.HOST_FREE);
        // the first sample where free memory is under the soft threshold (4 % of 1G) already shows a state below high
        int under = -1;
        for (int i = 0; i < free.size(); i++) if (free.get(i) < 0.04 * 1024) { under = i; break; }
        assertThat(under).as("a sample with free memory under the soft threshold").isNotNegative();
        assertThat(state.get(under)).as("state at %.0f s (free %.0f MB)", r.times.get(under), free.get(under)).isGreaterThanOrEqualTo(1.0);
        // and the plan was carried out: balloons got targets although no control interval came
        assertThat(r.vms).anySatisfy(v -> assertThat(v.max(Counter.MCTLTGT)).isPositive());
        // one decision at start plus one per state change, far fewer than the 600 steps
        assertThat(r.stateChangeDecisions).isPositive();
        assertThat(r.decisions).isEqualTo(1 + r.stateChangeDecisions).isLessThan(30);
    }
}
