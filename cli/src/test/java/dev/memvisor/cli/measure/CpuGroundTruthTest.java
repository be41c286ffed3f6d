package dev.memvisor.cli.measure;

import dev.memvisor.cli.Main;
import dev.memvisor.measure.cpu.CorrectionResult;
import dev.memvisor.measure.cpu.CpuCorrector;
import dev.memvisor.measure.simcpu.SimCpuAdapter;
import dev.memvisor.measure.simcpu.SimCpuCsvReader;
import dev.memvisor.measure.simcpu.SimVmCpu;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Against ground truth: the simulator records each guest process's true CPU, the guest's tick-sampled figure
 * and the host's measurement of the VM; the correction over 5-minute windows must cut the process-level error
 * at least fivefold.
 */
class CpuGroundTruthTest {
    @TempDir
    Path tmp;

    /** Three 2-vCPU VMs wanting 1.4 processors each on a 2-core host: every VM waits in the host's ready queue. */
    static final String CONTENDED = """
            duration: 30m
            sampleInterval: 20s
            policy:
              name: static
            host:
              memory: 8G
              cores: 2
            vms:
              - name: web
                count: 3
                memory: 1G
                vcpus: 2
                processes:
                  - name: sql
                    cpu: 0.8
                  - name: iis
                    cpu: 0.4
                workload:
                  workingSet: 200M
                  refsPerSecond: 1000
                  cpu: 0.2
            """;

    @Test
    void correctionCutsProcessErrorFivefoldInTheCpuContentionExample() {
        // The packaged example (the simulator's): four 4-vCPU VMs with busy processes on a 4-core host.
        assertFivefold(Path.of("../examples/cpu-contention.yaml"));
    }

    @Test
    void withoutContentionWIsOneWithinSamplingNoise() {
        // The same example on a host with enough cores: nothing waits, so the guest's ticks are all on time.
        Path out = tmp.resolve("uncontended");
        assertThat(Main.run("simulate", "../examples/cpu-contention.yaml", "--set", "host.cores=64", "--out", out.toString())).isZero();
        for (SimVmCpu vm : SimCpuCsvReader.read(out.resolve("cpu.csv")).values()) {
            CorrectionResult r = CpuCorrector.correct(vm.vm(), SimCpuAdapter.host(vm), SimCpuAdapter.guest(vm), vm.vcpus(), 0, false,
                    CpuCorrector.RECOMMENDED_WINDOW_MILLIS);
            assertThat(r.windows()).isNotEmpty();
            r.windows().forEach(w -> assertThat(w.w()).as(vm.vm()).isBetween(0.98, 1.02));
        }
    }

    @Test
    void correctionCutsProcessErrorFivefoldInAContendedSimulation() throws Exception {
        Path scenario = tmp.resolve("contended.yaml");
        Files.writeString(scenario, CONTENDED);
        assertFivefold(scenario);
    }

    static SimCpuAdapter.Errors assertFivefold(Path scenario, Path out) {
        int status = Main.run("simulate", scenario.toString(), "--out", out.toString());
        assertThat(status).as("memvisor simulate " + scenario).isZero();
        Map<String, SimVmCpu> vms = SimCpuCsvReader.read(out.resolve("cpu.csv"));
        assertThat(vms).isNotEmpty();
        double rep = 0, cor = 0;
        int n = 0;
        for (SimVmCpu vm : vms.values()) {
            CorrectionResult r = CpuCorrector.correct(vm.vm(), SimCpuAdapter.host(vm), SimCpuAdapter.guest(vm), vm.vcpus(), 0, false,
                    CpuCorrector.RECOMMENDED_WINDOW_MILLIS);
            assertThat(r.windows()).as(vm.vm() + " windows").isNotEmpty();
            SimCpuAdapter.Errors e = SimCpuAdapter.score(vm, r);
            System.err.printf("%s: reported MAE %.3f, corrected MAE %.3f (%.1fx) over %d process-windows%n",
                    vm.vm(), e.reportedMae(), e.correctedMae(), e.improvement(), e.samples());
            rep += e.reportedMae() * e.samples();
            cor += e.correctedMae() * e.samples();
            n += e.samples();
        }
        SimCpuAdapter.Errors all = new SimCpuAdapter.Errors(rep / n, cor / n, n);
        // The scenario must really distort the guest's figures, or a fivefold cut proves nothing.
        assertThat(all.reportedMae()).as("reported error, percentage points of one processor").isGreaterThan(2.0);
        assertThat(all.improvement()).as("reported MAE / corrected MAE").isGreaterThanOrEqualTo(5.0);
        return all;
    }

    private void assertFivefold(Path scenario) {
        assertFivefold(scenario, tmp.resolve("out"));
    }
}
