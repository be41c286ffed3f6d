package dev.memvisor.sim.engine;

import dev.memvisor.core.admission.AdmissionControl;
import dev.memvisor.core.admission.AdmissionDecision;
import dev.memvisor.core.policy.PolicyRegistry;
import dev.memvisor.sim.report.SimResult;
import dev.memvisor.sim.scenario.Scenario;
import dev.memvisor.sim.scenario.ScenarioLoader;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Over random small hosts and every policy: once a VM holds its reservation it never holds less
 * (balloon, host swap, compression and emergency reclamation all stop at it), unless the run counts a
 * reservation violation; and when admission control admits the VMs, no violation is ever counted.
 */
class ReservationPropertyTest {

    @Provide
    Arbitrary<String> policies() {
        return Arbitraries.of(PolicyRegistry.names());
    }

    @Property(tries = 30)
    void grantedNeverFallsBelowTheReservationOnceReached(@ForAll("policies") String policy,
                                                         @ForAll @IntRange(min = 160, max = 420) int hostMb,
                                                         @ForAll @IntRange(min = 1, max = 3) int reservedCount,
                                                         @ForAll @IntRange(min = 16, max = 110) int reservationMb,
                                                         @ForAll @IntRange(min = 1, max = 3) int otherCount,
                                                         @ForAll @IntRange(min = 64, max = 200) int workingSetMb,
                                                         @ForAll @DoubleRange(min = 0.1, max = 1) double writes,
                                                         @ForAll boolean ballooning,
                                                         @ForAll boolean compression,
                                                         @ForAll @IntRange(min = 1, max = 1000) int seed) {
        String text = """
                seed: %d
                duration: 30s
                sampleInterval: 1s
                step: 100ms
                policy: {name: %s, sharingScanPagesPerSecond: 5000}
                host:
                  memory: %dM
                  cores: 2
                  overheadPerVm: 4M
                  controlInterval: 2s
                  balloonRate: 64M
                  compression: {enabled: %s}
                vms:
                  - name: r
                    count: %d
                    memory: 128M
                    reservation: %dM
                    ballooning: %s
                    guest: {osMemory: 16M}
                    workload: {workingSet: 120M, skew: 0.3, writeFraction: %s, refsPerSecond: 30000}
                  - name: o
                    count: %d
                    memory: 256M
                    ballooning: %s
                    guest: {osMemory: 16M}
                    workload: {workingSet: %dM, skew: 0, writeFraction: %s, refsPerSecond: 30000}
                """.formatted(seed, policy, hostMb, compression, reservedCount, reservationMb, ballooning, writes,
                otherCount, ballooning, workingSetMb, writes);
        Scenario s = ScenarioLoader.parse(text, "r.yaml", Path.of("."), List.of());
        Simulation sim = new Simulation(s);
        SimHost host = sim.host();
        int n = host.vmCount();
        long[] peak = new long[n];
        boolean[] fellBelow = new boolean[n];
        SimResult r = sim.run((done, total) -> {
            for (int i = 0; i < n; i++) {
                long g = host.backing(i).grantedPages();
                if (g < Math.min(host.backing(i).reservationPages(), peak[i])) fellBelow[i] = true;
                peak[i] = Math.max(peak[i], g);
            }
        });
        // a running VM needs at least one page of its own besides its reservation: reservations filling the host
        // to the last page leave an unreserved VM nothing to run in, so admission counts that page too
        boolean admitted = new AdmissionControl(s.host().machineBytes(), s.host().overheadBytesPerVm() + 4096)
                .admitInOrder(s.vms().stream().map(Scenario.Vm::settings).toList()).stream().allMatch(AdmissionDecision::admitted);
        for (int i = 0; i < n; i++) {
            SimResult.VmRecord v = r.vms.get(i);
            if (admitted) assertThat(v.reservationViolationPages).as(v.name + ": violations though admitted").isZero();
            if (fellBelow[i]) assertThat(v.reservationViolationPages).as(v.name + ": fell below its reservation uncounted").isPositive();
        }
    }
}
