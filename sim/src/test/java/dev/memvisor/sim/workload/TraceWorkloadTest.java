package dev.memvisor.sim.workload;

import dev.memvisor.sim.TestPaths;
import dev.memvisor.sim.engine.Simulation;
import dev.memvisor.sim.report.SimResult;
import dev.memvisor.sim.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Trace-driven VMs: the LIRS and SPEC address traces replayed in a guest, end to end. */
class TraceWorkloadTest {
    private static SimResult run(String format, String file, String memory) {
        String text = """
                duration: 60s
                sampleInterval: 10s
                policy: esx
                host: {memory: 1G, cores: 2}
                vms:
                  - name: t
                    memory: %s
                    guest: {osMemory: 1M}
                    workload:
                      type: trace
                      refsPerSecond: 20000
                      trace: {format: %s, file: %s, loops: 2}
                """.formatted(memory, format, TestPaths.data(file));
        return new Simulation(ScenarioLoader.parse(text, "t.yaml", null, List.of())).run(null);
    }

    @Test
    void aLirsTraceLargerThanTheGuestMakesItSwapAndSlowsItDown() {
        SimResult small = run("lirs", "traces/lirs/multi1.trace.gz", "8M");
        SimResult.VmRecord v = small.vms.get(0);
        assertThat(v.workDone).isTrue();
        assertThat(v.refs).isEqualTo(2 * 15858);
        assertThat(v.guestSwapOuts).isPositive();
        SimResult.VmRecord roomy = run("lirs", "traces/lirs/multi1.trace.gz", "64M").vms.get(0);
        assertThat(roomy.guestSwapOuts).isZero();
        assertThat(v.slowdown).isGreaterThan(roomy.slowdown);
    }

    @Test
    void anAddressTraceReplaysWithItsStores() {
        SimResult r = run("address", "traces/address/gcc.trace.gz", "16M");
        SimResult.VmRecord v = r.vms.get(0);
        assertThat(v.refs).isEqualTo(Math.min(2L * 515683, v.refs));
        assertThat(v.refs).isPositive();
        assertThat(v.slowdown).isGreaterThanOrEqualTo(1.0);
    }
}
