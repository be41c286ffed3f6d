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
 * A reservation is a floor the host never reclaims below: not by its swap, compression or balloon,
 * and not when the host runs out of memory (then VMs above their reservation give first).
 */
class ReservationTest {
    /**
     * A VM with a 768M reservation that uses 900M, beside a VM without a balloon driver that writes
     * 1.8G on a 2G host: the host runs out and must swap, but only the unreserved VM.
     */
    static final String SCENARIO = """
            seed: 11
            duration: 90s
            sampleInterval: 1s
            host: {memory: 2G, cores: 2, overheadPerVm: 32M, controlInterval: 15s}
            vms:
              - name: reserved
                memory: 1G
                reservation: 768M
                guest: {osMemory: 64M}
                workload: {workingSet: 900M, skew: 0.5, writeFraction: 0.5, refsPerSecond: 40000}
              - name: hog
                memory: 2G
                ballooning: false
                guest: {osMemory: 64M}
                workload: {workingSet: 1800M, skew: 0, writeFraction: 1.0, refsPerSecond: 60000}
            """;

    @Test
    void emergencySwappingNeverTakesAVmBelowItsReservation() {
        Scenario s = ScenarioLoader.parse(SCENARIO, "r.yaml", Path.of("."), List.of());
        SimResult r = new Simulation(s).run(null);
        List<Double> granted = r.vm("reserved").series(Counter.GRANT);
        int reached = -1;
        for (int i = 0; i < granted.size(); i++) if (granted.get(i) >= 768) { reached = i; break; }
        assertThat(reached).as("sample at which the reserved VM first holds its reservation").isNotNegative();
        for (int i = reached; i < granted.size(); i++) {
            assertThat(granted.get(i)).as("reserved VM granted MB at %.0f s", r.times.get(i)).isGreaterThanOrEqualTo(768.0);
        }
        // the host did run out: the unreserved VM was swapped
        assertThat(r.vm("hog").max(Counter.SWCUR)).as("hog swapped MB").isPositive();
        assertThat(r.vms).allSatisfy(v -> assertThat(v.reservationViolationPages).as(v.name).isZero());
    }
}
