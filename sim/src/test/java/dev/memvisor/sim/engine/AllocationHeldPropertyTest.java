package dev.memvisor.sim.engine;

import dev.memvisor.core.counter.Counter;
import dev.memvisor.core.model.HostMemoryState;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.sim.report.SimResult;
import dev.memvisor.sim.scenario.Scenario;
import dev.memvisor.sim.scenario.ScenarioLoader;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, item 2: under esx, in steady state the memory each VM holds (GRANT) converges to the policy's
 * target (SZTGT) within 10 % whenever the VM touches its memory. Random mixes of sizes and shares on an
 * overcommitted host, every VM touching all of its working set from the start (so it holds at most that),
 * sometimes beside an idle VM that filled its memory at boot; the simulator's defaults otherwise; compared
 * over the last third of the run. The idle VM is not held to it: a VM that does not touch its memory may hold
 * less than its target for good (nothing makes a guest touch pages it does not use), and the free memory it
 * leaves keeps the host in high, where a busy VM may sit above its target: by no more than the host's free memory, as
 * nothing reclaims there (found by a random try: 143 MB held against a 130 MB target, 38 MB free, all in high).
 */
class AllocationHeldPropertyTest {

    @Property(tries = 24)
    void aVmThatTouchesItsMemoryHoldsItsTarget(@ForAll @IntRange(min = 128, max = 384) int aMb,
                                               @ForAll @IntRange(min = 128, max = 384) int bMb,
                                               @ForAll @IntRange(min = 128, max = 384) int cMb,
                                               @ForAll @IntRange(min = 1, max = 4) int aShares,
                                               @ForAll @IntRange(min = 1, max = 4) int bShares,
                                               @ForAll @IntRange(min = 1, max = 4) int cShares,
                                               @ForAll boolean third,
                                               @ForAll boolean idleNeighbour,
                                               @ForAll @IntRange(min = 55, max = 90) int hostPercent,
                                               @ForAll @IntRange(min = 1, max = 1000) int seed) {
        int[] mb = third ? new int[] {aMb, bMb, cMb} : new int[] {aMb, bMb};
        int[] shares = {aShares * 1000, bShares * 1000, cShares * 1000};
        int total = 0;
        StringBuilder vms = new StringBuilder();
        for (int i = 0; i < mb.length; i++) {
            total += mb[i];
            vms.append("  - name: vm").append(i).append('\n')
                    .append("    memory: ").append(mb[i]).append("M\n")
                    .append("    shares: ").append(shares[i]).append('\n')
                    .append("    guest: {osMemory: 16M}\n")
                    .append("    workload: {workingSet: ").append(mb[i] - 16).append("M, skew: 0, writeFraction: 0.3, refsPerSecond: 30000}\n");
        }
        if (idleNeighbour) {
            // fills its memory at boot, then idles: it may end below its target, leaving the host free memory (high)
            vms.append("  - name: idle\n    memory: 256M\n    guest: {osMemory: 16M}\n")
                    .append("    workload: {workingSet: 192M, skew: 0, writeFraction: 1.0, phases: [{duration: 20s, refsPerSecond: 5000},")
                    .append(" {duration: 10m, refsPerSecond: 0}]}\n");
            total += 256;
        }
        int vmCount = mb.length + (idleNeighbour ? 1 : 0);
        long hostMb = 32L * vmCount + (long) total * hostPercent / 100;
        String text = """
                seed: %d
                duration: 10m
                sampleInterval: 5s
                policy: {name: esx}
                host:
                  memory: %dM
                  cores: 2
                  overheadPerVm: 32M
                vms:
                """.formatted(seed, hostMb) + vms;
        Scenario s = ScenarioLoader.parse(text, "held.yaml", Path.of("."), List.of());
        SimResult r = new Simulation(s).run((done, all) -> { });
        List<Double> state = r.series(Counter.HOST_STATE), free = r.series(Counter.HOST_FREE);
        // in high nothing reclaims (ESX; the README's table): a VM may hold more than its target there, but only memory the
        // host does not need, so its excess is bounded by the host's free memory
        boolean allHigh = state.subList(state.size() * 2 / 3, state.size()).stream().allMatch(x -> x == HostMemoryState.HIGH.kernelState());
        double freeMb = tailMean(free);
        List<String> off = new ArrayList<>();
        StringBuilder table = new StringBuilder();
        for (SimResult.VmRecord v : r.vms) {
            double held = tailMean(v.series(Counter.GRANT)), target = tailMean(v.series(Counter.SZTGT));
            // what it touches: its working set (the guest's own 16M is touched at boot only); below a target above it a VM
            // that holds all it touches holds what it can
            double touches = v.configuredBytes / 1048576.0 - 16;
            // the balloon holds at most 65 % of a VM (ESX's cap, the default maxBalloonFraction): a target below the rest is
            // reached only by hypervisor swap, in hard and low, and a host that stays in soft leaves the VM at the cap
            double reach = Math.max(target, v.configuredBytes / 1048576.0 * (1 - PolicyConfig.defaults().maxBalloonFraction()));
            boolean over = held > 1.10 * reach && !(allHigh && held - reach <= freeMb), under = held < 0.90 * target && held < 0.98 * touches;
            table.append(String.format("%s: held %.1f MB, target %.1f MB (%+.1f %%), touches %.0f MB, balloon %.1f MB, swapped %.1f MB%n", v.name, held,
                    target, 100 * (held - target) / target, touches, tailMean(v.series(Counter.MCTLSZ)), tailMean(v.series(Counter.SWCUR))));
            if (!v.name.equals("idle") && (over || under)) off.add(v.name);
        }
        assertThat(off).as("VMs whose held memory is more than 10 %% off their target (host %d MB; last third: state %s, free MB %s):%n%s%s",
                hostMb, state.subList(state.size() * 2 / 3, state.size()), free.subList(free.size() * 2 / 3, free.size()), table, text).isEmpty();
    }

    /** Mean over the last third of the samples. */
    private static double tailMean(List<Double> xs) {
        int from = xs.size() * 2 / 3;
        return xs.subList(from, xs.size()).stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}
