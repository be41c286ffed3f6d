package dev.memvisor.sim.engine;

import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.VmView;
import dev.memvisor.sim.report.SimResult;
import dev.memvisor.core.counter.Counter;
import dev.memvisor.sim.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the policy sees and what the reports record are read from the same state with the same
 * definitions: at the end of a run (a sample instant) the policy's {@link HostView} and the last
 * recorded sample agree to the byte, consumed memory included, on a host where sharing leaves
 * each VM a fractional share of the shared frames, and the host balloons, swaps and compresses.
 */
class ViewAndCountersAgreeTest {
    private static final String SCENARIO = """
            seed: 7
            duration: 60s
            sampleInterval: 5s
            policy: {sharingScanPagesPerSecond: 20000}
            host: {memory: 1G, cores: 2, overheadPerVm: 8M, controlInterval: 5s}
            vms:
              - name: a
                count: 2
                memory: 512M
                image: linux
                guest: {osMemory: 96M}
                workload: {workingSet: 300M, skew: 0.6, writeFraction: 0.3, refsPerSecond: 30000}
              - name: b
                memory: 512M
                image: linux
                guest: {osMemory: 48M}
                workload: {workingSet: 300M, skew: 0.6, writeFraction: 0.3, refsPerSecond: 30000}
            """;

    private static double last(List<Double> xs) { return xs.get(xs.size() - 1); }

    private static long bytes(double mb) { return Math.round(mb * 1024 * 1024); }

    @Test
    void thePolicysViewAndTheLastSampleAgree() {
        Simulation sim = new Simulation(ScenarioLoader.parse(SCENARIO, "agree.yaml", Path.of("."), List.of()));
        SimResult r = sim.run(null);
        HostView view = sim.view();
        assertThat(bytes(last(r.series(Counter.HOST_FREE)))).isEqualTo(view.freeBytes());
        assertThat(last(r.series(Counter.HOST_PSHARE_COMMON))).as("something is shared").isPositive();
        assertThat(r.vms).as("the host ballooned, swapped and compressed")
                .anySatisfy(v -> assertThat(v.max(Counter.MCTLSZ)).isPositive())
                .anySatisfy(v -> assertThat(v.max(Counter.SWCUR)).isPositive())
                .anySatisfy(v -> assertThat(v.max(Counter.ZIP)).isPositive());
        boolean fractionalShare = false;
        for (int i = 0; i < r.vms.size(); i++) {
            SimResult.VmRecord rec = r.vms.get(i);
            VmView v = view.vms().get(i);
            assertThat(bytes(last(rec.series(Counter.GRANT)))).as(rec.name + " granted").isEqualTo(v.grantedBytes());
            assertThat(bytes(last(rec.series(Counter.CNSM)))).as(rec.name + " consumed").isEqualTo(v.consumedBytes());
            assertThat(bytes(last(rec.series(Counter.MCTLSZ)))).as(rec.name + " balloon").isEqualTo(v.balloonBytes());
            assertThat(bytes(last(rec.series(Counter.SWCUR)))).as(rec.name + " swapped").isEqualTo(v.swappedBytes());
            assertThat(bytes(last(rec.series(Counter.ZIP)))).as(rec.name + " compressed").isEqualTo(v.compressedBytes());
            double sharedShare = last(rec.series(Counter.SHRD)) - last(rec.series(Counter.SHRDSVD));
            if (Math.abs(sharedShare * 256 - Math.rint(sharedShare * 256)) > 1e-6) fractionalShare = true;
        }
        assertThat(fractionalShare).as("some VM's share of the shared frames is a fraction of a page").isTrue();
    }
}
