package dev.memvisor.sim.engine;

import dev.memvisor.sim.report.SimResult;
import dev.memvisor.core.counter.Counter;
import dev.memvisor.sim.scenario.Scenario;
import dev.memvisor.sim.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The psi policy in the simulator: its pressure signal is the time each VM stalls on host swap-ins and
 * decompressions. A VM that went idle after touching 400M is probed down to what it still uses; a VM
 * that keeps touching its 400M backs off at the first stalls and keeps its working set.
 */
class PsiSimulationTest {
    static final String SCENARIO = """
            seed: 5
            duration: 150s
            sampleInterval: 5s
            policy: {name: psi, psiInterval: 1s, psiMaxProbe: 0.05}
            host: {memory: 2G, cores: 2, controlInterval: 1s, overheadPerVm: 16M}
            vms:
              - name: idle
                memory: 768M
                reservation: 64M
                guest: {osMemory: 32M}
                workload:
                  skew: 0
                  writeFraction: 0.5
                  phases:
                    - {duration: 10s, workingSet: 400M, refsPerSecond: 200000}
                    - {duration: 140s, workingSet: 40M, refsPerSecond: 20000}
              - name: busy
                memory: 768M
                reservation: 64M
                guest: {osMemory: 32M}
                workload: {workingSet: 400M, skew: 0, writeFraction: 0.5, refsPerSecond: 200000}
            """;

    @Test
    void theIdleVmIsProbedDownAndTheBusyOneKeepsItsWorkingSet() {
        Scenario s = ScenarioLoader.parse(SCENARIO, "psi.yaml", Path.of("."), List.of());
        SimResult r = new Simulation(s).run(null);
        List<Double> idle = r.vm("idle").series(Counter.GRANT), busy = r.vm("busy").series(Counter.GRANT);
        double idleEnd = idle.get(idle.size() - 1), busyEnd = busy.get(busy.size() - 1);
        System.err.printf("[test] granted at the end: idle %.0f MB (peak %.0f), busy %.0f MB (peak %.0f); busy swapped in %d pages, slowdown %.2f%n",
                idleEnd, r.vm("idle").max(Counter.GRANT), busyEnd, r.vm("busy").max(Counter.GRANT),
                r.vm("busy").hostSwapIns, r.vm("busy").slowdown);
        assertThat(idleEnd).as("the idle VM's granted memory at the end, MB").isLessThan(0.5 * r.vm("idle").max(Counter.GRANT));
        assertThat(busyEnd).as("the busy VM keeps its 400M working set, MB").isGreaterThan(0.9 * 400);
        assertThat(r.vm("busy").hostSwapIns).as("the busy VM's probe met pressure (host swap-ins)").isPositive();
        assertThat(r.vm("busy").slowdown).as("and backed off: little slowdown").isLessThan(1.5);
    }
}
