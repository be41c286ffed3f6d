package dev.memvisor.sim.engine;

import dev.memvisor.sim.report.SimResult;
import dev.memvisor.sim.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plain KVM (static: no balloon) on a host short of memory, one busy VM beside two idle ones whose boot memory
 * nobody touches again: Linux's LRU reclaim takes the idle VMs' cold pages and leaves the busy VM's working set,
 * ESX's random reclaim takes from the VM with the most memory, the busy one, which then faults its pages back.
 */
class HostReclaimSimulationTest {
    static final String SCENARIO = """
            duration: 40s
            sampleInterval: 10s
            policy: {name: static, sharingScanPagesPerSecond: 0}
            host: {memory: 600M, cores: 2, overheadPerVm: 16M}
            vms:
              - name: busy
                memory: 512M
                guest: {osMemory: 32M}
                workload: {workingSet: 320M, skew: 0, writeFraction: 1.0, refsPerSecond: 20000}
              - name: idle
                count: 2
                memory: 256M
                guest: {osMemory: 128M}
                workload: {workingSet: 8M, skew: 0, writeFraction: 0, refsPerSecond: 5}
            """;

    static SimResult run(String reclaim) {
        var s = ScenarioLoader.parse(SCENARIO, "r.yaml", Path.of("."), List.of("host.reclaim=" + reclaim));
        return new Simulation(s).run(null);
    }

    @Test
    void lruReclaimSparesTheBusyVmThatRandomReclaimSwaps() {
        SimResult lru = run("lru"), random = run("random");
        String seen = "busy slowdown lru " + lru.vm("busy").slowdown + ", random " + random.vm("busy").slowdown
                + "; busy host swap-ins lru " + lru.vm("busy").hostSwapIns + ", random " + random.vm("busy").hostSwapIns;
        // the host is short: something was swapped either way
        assertThat(lru.vm("idle-1").hostSwapIns + lru.vm("idle-2").hostSwapIns + lru.vm("busy").hostSwapIns
                + random.vm("busy").hostSwapIns).as(seen).isPositive();
        assertThat(random.vm("busy").hostSwapIns).as(seen).isGreaterThan(1000);
        assertThat(lru.vm("busy").hostSwapIns).as(seen).isLessThan(random.vm("busy").hostSwapIns / 10);
        assertThat(lru.vm("busy").slowdown).as(seen).isLessThan(1.05).isLessThan(random.vm("busy").slowdown);
    }

    @Test
    void staticDefaultsToLruAndEsxToRandom() {
        var s = ScenarioLoader.parse(SCENARIO, "r.yaml", Path.of("."), List.of());
        SimResult byDefault = new Simulation(s).run(null);
        assertThat(byDefault.vm("busy").hostSwapIns).isEqualTo(run("lru").vm("busy").hostSwapIns);
        SimResult esx = new Simulation(s.withPolicy("esx")).run(null);
        var esxRandom = new Simulation(ScenarioLoader.parse(SCENARIO, "r.yaml", Path.of("."), List.of("policy.name=esx", "host.reclaim=random"))).run(null);
        assertThat(esx.vm("busy").hostSwapIns).isEqualTo(esxRandom.vm("busy").hostSwapIns);
    }
}
