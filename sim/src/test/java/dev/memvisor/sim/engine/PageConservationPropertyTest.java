package dev.memvisor.sim.engine;

import dev.memvisor.sim.scenario.Scenario;
import dev.memvisor.sim.scenario.ScenarioLoader;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariants over random small hosts under every policy: every guest page is in exactly one place
 * (free list, page cache, an application, the balloon) and every host counter matches the page
 * arrays; granted never exceeds the limit; the balloon never takes a VM below its reservation.
 */
class PageConservationPropertyTest {

    @Provide
    Arbitrary<String> policies() {
        return Arbitraries.of(dev.memvisor.core.policy.PolicyRegistry.names());
    }

    /** A fault on a compressed page whose frame allocation reclaims that very page to swap (VmBacking.back). */
    @Example
    void compressedPageReclaimedByItsOwnFault() {
        pagesAreConservedAndBoundsHold("esx", 172, 4, 120, 0.06, 43, false, false, 204);
    }

    @Property(tries = 25)
    void pagesAreConservedAndBoundsHold(@ForAll("policies") String policy,
                                        @ForAll @IntRange(min = 96, max = 400) int hostMb,
                                        @ForAll @IntRange(min = 1, max = 4) int vms,
                                        @ForAll @IntRange(min = 32, max = 200) int workingSetMb,
                                        @ForAll @DoubleRange(min = 0, max = 1) double writes,
                                        @ForAll @IntRange(min = 0, max = 48) int reservationMb,
                                        @ForAll boolean zeroOnBoot,
                                        @ForAll boolean ballooning,
                                        @ForAll @IntRange(min = 1, max = 1000) int seed) {
        String text = """
                seed: %d
                duration: 40s
                sampleInterval: 5s
                step: 100ms
                policy: {name: %s, sharingScanPagesPerSecond: 20000}
                host:
                  memory: %dM
                  cores: 2
                  overheadPerVm: 4M
                  controlInterval: 1s
                  balloonRate: 64M
                vms:
                  - name: v
                    count: %d
                    memory: 128M
                    reservation: %dM
                    limit: 120M
                    ballooning: %s
                    guest: {osMemory: 16M, zeroOnBoot: %s}
                    workload: {workingSet: %dM, writeFraction: %s, refsPerSecond: 20000, trimOnLowMemory: true}
                """.formatted(seed, policy, hostMb, vms, reservationMb, ballooning, zeroOnBoot, workingSetMb, writes);
        Scenario s = ScenarioLoader.parse(text, "p.yaml", Path.of("."), List.of());
        Simulation sim = new Simulation(s);
        int[] checks = {0};
        sim.run((done, total) -> {
            sim.host().checkInvariants();
            checks[0]++;
        });
        sim.host().checkInvariants();
        assertThat(checks[0]).isGreaterThan(10);
    }
}
