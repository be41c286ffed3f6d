package dev.memvisor.sim.engine;

import dev.memvisor.sim.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slowdown grows with the memory a VM is short of (issue 13's property): one VM whose working set is held under a
 * shrinking limit, so the hypervisor swaps it; each 32 MB less memory never makes it faster. Over one minute: 1.01x at
 * 576 MB, 1.21x at 544, 2.12x at 512, 4.97x at 480, 7.5x at 352 (a Zipf working set on a 5 ms disk, each miss worth
 * about 100 references), mostly the transient of the swap-out; {@link SlowdownSmoothnessTest} holds the steady state
 * to a knee and a straight line.
 */
class SlowdownMonotoneTest {
    static final String SCENARIO = """
            duration: 60s
            sampleInterval: 10s
            policy: {name: esx, sharingScanPagesPerSecond: 0}
            host: {memory: 2G, cores: 2}
            vms:
              - name: v
                memory: 768M
                guest: {osMemory: 64M}
                workload: {workingSet: 512M, skew: 0.8, writeFraction: 0.3, refsPerSecond: 20000}
            """;

    static double slowdown(int limitMb) {
        var s = ScenarioLoader.parse(SCENARIO, "m.yaml", Path.of("."), List.of("vms[0].limit=" + limitMb + "M"));
        return new Simulation(s).run(null).vm("v").slowdown;
    }

    @Test
    void slowdownIsMonotoneInTheDeficit() {
        double previous = 0;
        StringBuilder seen = new StringBuilder();
        for (int limit = 608; limit >= 352; limit -= 32) {
            double sd = slowdown(limit);
            seen.append(limit).append("M: ").append(String.format(java.util.Locale.ROOT, "%.3f", sd)).append("; ");
            assertThat(sd).as(seen.toString()).isGreaterThanOrEqualTo(previous);
            previous = sd;
        }
    }
}
