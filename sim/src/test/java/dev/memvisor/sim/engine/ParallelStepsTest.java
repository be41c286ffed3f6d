package dev.memvisor.sim.engine;

import dev.memvisor.sim.TestPaths;
import dev.memvisor.sim.report.SimResult;
import dev.memvisor.sim.report.SummaryWriter;
import dev.memvisor.sim.scenario.Scenario;
import dev.memvisor.sim.scenario.ScenarioLoader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The VMs' references run in parallel within a step give what they give one after the other: the same
 * summary.json byte for byte and every recorded sample, over hosts with room (every step parallel),
 * hosts that come to reclaim (parallel steps, then the sequential fallback), limits and compression,
 * identical images whose copy-on-write breaks race, the Bitbrains example and a file-backed workload.
 */
class ParallelStepsTest {
    /** Eight guests of one image: shared pages broken by writes from several threads at once. */
    static final String ROOMY = """
            seed: 3
            duration: 40s
            sampleInterval: 5s
            policy: {name: esx, sharingScanPagesPerSecond: 50000}
            host: {memory: 4G, cores: 8}
            vms:
              - name: web
                count: 8
                memory: 256M
                image: linux
                guest: {osMemory: 64M, zeroOnBoot: true}
                workload: {workingSet: 150M, skew: 0.6, writeFraction: 0.3, refsPerSecond: 40000, fromImage: true}
            """;

    /** Working sets that grow past the host: parallel while there is room, then reclaiming (balloon, swap, compression). */
    static final String TIGHT = """
            seed: 9
            duration: 90s
            sampleInterval: 10s
            policy: {name: esx, sharingScanPagesPerSecond: 20000}
            host: {memory: 2G, cores: 4}
            vms:
              - {name: grow, count: 4, memory: 512M, image: img, guest: {osMemory: 64M}, workload: {workingSet: 64M, maxWorkingSet: 460M, growthPerSecond: 8M, trimOnLowMemory: true, refsPerSecond: 40000}}
              - {name: capped, memory: 512M, limit: 300M, guest: {osMemory: 64M}, workload: {workingSet: 350M, writeFraction: 0.5, refsPerSecond: 40000}}
              - {name: floor, memory: 512M, reservation: 256M, ballooning: false, workload: {workingSet: 400M, skew: 0.3, refsPerSecond: 40000}}
            """;

    /** File-backed workloads (dbench's kind) that outgrow the host: their writeback and flusher run in each VM's part of a step. */
    static final String FILES = """
            seed: 5
            duration: 60s
            sampleInterval: 10s
            policy: {name: esx}
            host: {memory: 1G, cores: 4}
            vms:
              - {name: files, count: 3, memory: 384M, guest: {osMemory: 32M}, workload: {fileBacked: true, readPages: 4, workingSet: 300M, skew: 0.6, writeFraction: 0.4, threads: 8, refsPerSecond: 60000}}
            """;

    static Stream<Arguments> scenarios() {
        return Stream.of(
                Arguments.of("roomy", ScenarioLoader.parse(ROOMY, "roomy.yaml", Path.of("."), List.of()), false),
                Arguments.of("tight", ScenarioLoader.parse(TIGHT, "tight.yaml", Path.of("."), List.of()), true),
                Arguments.of("determinism", ScenarioLoader.parse(DeterminismTest.SCENARIO, "d.yaml", Path.of("."),
                        List.of("vms[0].workload.refsPerSecond=60000")), true),
                Arguments.of("bitbrains", ScenarioLoader.load(TestPaths.example("bitbrains-consolidation.yaml"), List.of("duration=10m")), false),
                Arguments.of("file-backed", ScenarioLoader.parse(FILES, "files.yaml", Path.of("."), List.of()), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void parallelStepsGiveTheSequentialResult(String name, Scenario sc, boolean reclaims) {
        Simulation one = new Simulation(sc, 1), two = new Simulation(sc, 2);
        SimResult a = one.run(null), b = two.run(null);
        long steps = sc.durationMicros() / sc.stepMicros();
        assertThat(one.parallelSteps()).isZero();
        assertThat(two.parallelSteps()).as("steps run in parallel").isPositive();
        if (reclaims) {
            assertThat(two.parallelSteps()).as("steps run one VM after the other (reclaiming)").isLessThan(steps);
            assertThat(a.vms).as("the host swapped or ballooned").anySatisfy(v -> assertThat(v.max(dev.memvisor.core.counter.Counter.SWCUR)
                    + v.max(dev.memvisor.core.counter.Counter.MCTLSZ)).isPositive());
        }
        assertThat(SummaryWriter.summary(b).toString()).isEqualTo(SummaryWriter.summary(a).toString());
        assertThat(b.times).isEqualTo(a.times);
        for (dev.memvisor.core.counter.Counter c : dev.memvisor.sim.report.SimCounters.HOST) assertThat(b.series(c)).as(c.field()).isEqualTo(a.series(c));
        for (int i = 0; i < a.vms.size(); i++) {
            for (dev.memvisor.core.counter.Counter c : dev.memvisor.sim.report.SimCounters.VM) {
                assertThat(b.vms.get(i).series(c)).as(a.vms.get(i).name + " " + c.field()).isEqualTo(a.vms.get(i).series(c));
            }
            assertThat(b.vms.get(i).trueCpu).isEqualTo(a.vms.get(i).trueCpu);
            assertThat(b.vms.get(i).reportedCpu).isEqualTo(a.vms.get(i).reportedCpu);
        }
        one.host().checkInvariants();
        two.host().checkInvariants();
    }
}
