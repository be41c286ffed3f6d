package dev.memvisor.qemu.manager;

import dev.memvisor.core.control.Action;
import dev.memvisor.core.control.ControlDecision;
import dev.memvisor.core.control.Controller;
import dev.memvisor.core.control.Trigger;
import dev.memvisor.core.policy.MemoryPolicy;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.policy.PolicyRegistry;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.memvisor.qemu.manager.FakeProc.MIB;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11, item 5: while one guest's memory grows steadily and the others idle, the QEMU host never
 * answers the growth by taking an idle guest's balloon back, between intervals or at one: a state check does not
 * see the memory the last plan's balloons are still reclaiming as free (it counts from the next full
 * interval), and a budget sets the per-VM overhead aside as the policy does, so the host does not
 * look roomy the moment the balloons reach their targets. Before, free memory rose as the balloons
 * inflated, the host flipped to high between intervals and the policy gave the memory back, over and
 * over (three reversals in 6 s in the first sample below). Nor at an interval: the esx policy in high
 * no longer lends the ballooned guests memory the growing guest is entitled to but does not use yet
 * (core's BalloonRelaxation holds that headroom back), nor cancels an inflation a softer state ordered
 * (before both: 0-18 reversals at intervals per ramp across the tries; core's EsxSteadyRampPropertiesTest
 * holds the policy to it on random ramps). The host is three fake QEMU guests (their QMP peers and
 * /proc files) whose balloon drivers move at a finite speed, driven by core's controller on a
 * simulated clock: a state check every 250 ms, a decision every 2 s and on every state change.
 */
class SteadyRampTest {
    private static final long STEP_MS = 50;
    private static final long CHECK_MS = 250;
    private static final long INTERVAL_MS = 2000;
    private static final long GUEST = 512 * MIB;
    private static final long OVERHEAD = 32 * MIB;
    @Property(tries = 8)
    void aSteadyRampIsNeverAnsweredByTakingABalloonBack(@ForAll @IntRange(min = 10, max = 60) int rampMibPerSecond,
                                                @ForAll @IntRange(min = 20, max = 200) int balloonMibPerSecond,
                                                @ForAll @IntRange(min = 1000, max = 1200) int budgetMib) throws Exception {
        Path dir = Files.createTempDirectory("memvisor-ramp");
        try {
            ramp(dir, rampMibPerSecond, balloonMibPerSecond, budgetMib);
        } finally {
            dev.memvisor.qemu.launch.RunDirectory.delete(dir);
        }
    }

    private void ramp(Path dir, int rampMibPerSecond, int balloonMibPerSecond, int budgetMib) throws Exception {
        FakeProc proc = new FakeProc(dir);
        long budget = budgetMib * MIB;
        try (FakeQemu ramp = new FakeQemu(proc, dir, "ramp", 301, GUEST, 200 * MIB);
             FakeQemu idle1 = new FakeQemu(proc, dir, "idle1", 302, GUEST, 350 * MIB);
             FakeQemu idle2 = new FakeQemu(proc, dir, "idle2", 303, GUEST, 350 * MIB)) {
            List<FakeQemu> guests = List.of(ramp, idle1, idle2);
            idle1.touched(16 * MIB);
            idle2.touched(16 * MIB);
            HostConfig cfg = new HostConfig("esx", Duration.ofMillis(INTERVAL_MS), Duration.ofMillis(CHECK_MS), budget, OVERHEAD, 0,
                    HostConfig.DEFAULT_METRICS_ADDRESS, Duration.ofMillis(500), null, false, 20, false, 0,
                    List.of(ramp.config(0), idle1.config(0), idle2.config(0)));
            PolicyConfig pc = PolicyConfig.defaults();
            MemoryPolicy esx = PolicyRegistry.create("esx", pc);
            Controller controller = Controller.of(esx, pc, INTERVAL_MS, 0);
            Map<String, List<Long>> sent = new LinkedHashMap<>();
            Map<String, Long> last = new LinkedHashMap<>();
            List<String> reversedBetweenIntervals = new ArrayList<>();
            List<String> reversedAtIntervals = new ArrayList<>();
            List<String> trace = new ArrayList<>();
            try (QemuHost host = new QemuHost(cfg, proc.paths(), e -> { })) {
                host.onReconnect(controller::forget);
                long used = 200 * MIB;
                long rampEnd = 0;
                for (long t = 0; t <= rampEnd + 2 * INTERVAL_MS; t += STEP_MS) {
                    // the ramp: the busy guest touches all it uses, and uses more every step until it holds 480M
                    if (used < 480 * MIB) {
                        used = Math.min(480 * MIB, used + rampMibPerSecond * MIB * STEP_MS / 1000);
                        rampEnd = t;
                    }
                    ramp.use(Math.min(used, ramp.actualBytes()));
                    ramp.touched(Math.min(used, ramp.actualBytes()));
                    for (FakeQemu g : guests) g.settle(balloonMibPerSecond * MIB * STEP_MS / 1000);
                    Optional<Trigger> due;
                    if (t % CHECK_MS == 0) {
                        FreeMemory f = host.quickFree();
                        due = controller.poll(t, f.freeBytes(), f.machineBytes());
                    } else {
                        due = controller.pollInterval(t);
                    }
                    if (due.isEmpty()) continue;
                    host.nextObservation(due.get()); // as ManagerLoop does
                    ControlDecision d = controller.decide(host, t, due.get());
                    assertThat(d.failures()).isEmpty();
                    StringBuilder line = new StringBuilder("t=" + t + " " + due.get().label() + " " + d.bounded().state()
                            + " free=" + d.view().freeBytes() / MIB + "M");
                    for (Action a : d.actions()) {
                        if (a instanceof Action.Balloon b && t <= rampEnd && !b.vm().equals("ramp")) {
                            sent.computeIfAbsent(b.vm(), k -> new ArrayList<>()).add(b.balloonBytes());
                            Long before = last.put(b.vm(), b.balloonBytes());
                            if (before != null && b.balloonBytes() < before) {
                                if (due.get() == Trigger.STATE) reversedBetweenIntervals.add("t=" + t + " " + b.vm());
                                else reversedAtIntervals.add("t=" + t + " " + b.vm());
                            }
                        }
                        if (a instanceof Action.Balloon b) line.append(" ").append(b.vm()).append("=").append(b.balloonBytes() / 1024).append("K");
                    }
                    trace.add(line.toString());
                }
            }
            System.err.printf("[test] ramp %d MiB/s, balloon %d MiB/s, budget %d MiB: %d balloon targets taken back at intervals%n",
                    rampMibPerSecond, balloonMibPerSecond, budgetMib, reversedAtIntervals.size());
            assertThat(reversedBetweenIntervals).as("idle balloons taken back between intervals during the ramp (ramp %d MiB/s, balloon %d MiB/s,"
                    + " budget %d MiB):%n%s", rampMibPerSecond, balloonMibPerSecond, budgetMib, String.join("\n", trace)).isEmpty();
            assertThat(reversedAtIntervals).as("idle balloons taken back at intervals during the ramp (ramp %d MiB/s, balloon %d MiB/s,"
                    + " budget %d MiB):%n%s", rampMibPerSecond, balloonMibPerSecond, budgetMib, String.join("\n", trace)).isEmpty();
            for (String vm : List.of("idle1", "idle2")) assertThat(sent.get(vm)).as("%s was ballooned during the ramp", vm).isNotEmpty();
        }
    }
}
