package dev.memvisor.qemu.manager;

import dev.memvisor.core.model.VmPlan;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.policy.PolicyRegistry;
import dev.memvisor.qemu.act.TemporarySwap;
import dev.memvisor.qemu.act.TestCgroup;
import dev.memvisor.qemu.act.ZswapGuard;
import dev.memvisor.qemu.launch.Guest;
import dev.memvisor.qemu.launch.GuestLauncher;
import dev.memvisor.qemu.launch.GuestSpec;
import dev.memvisor.qemu.launch.TestGuests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The psi policy on real guests: each VM's limit (its memory cgroup, host swap behind it) is probed down
 * while the memory pressure of its QEMU stays under the target and backed off when it rises. An idle guest
 * is shrunk well below its size; a guest that keeps touching its working set meets pressure, backs off,
 * and keeps more. The pressure comes from each VM's own cgroup v2 (on a hybrid host, one the manager makes
 * in the unified hierarchy beside the v1 memory cgroup). Faster than senpai's defaults (a 1 s interval and
 * a 10 % largest probe instead of 6 s and 1 %) so the test takes a minute, not an hour. The policy allows
 * compression throughout, so the manager turns zswap on: the host's settings are saved by the test and put
 * back whatever happens.
 */
class PsiRealTest {
    private static final long MIB = 1L << 20;
    private static final long MEMORY = 256 * MIB;
    private static final long OVERHEAD = 32 * MIB;

    @TempDir Path dir;

    @Test
    void anIdleGuestIsShrunkAndABusyOneBacksOff() throws Exception {
        long pid = ProcessHandle.current().pid();
        String idle = "psi-idle-" + pid, busy = "psi-busy-" + pid;
        PolicyConfig pc = PolicyConfig.builder().psiInterval(Duration.ofSeconds(1)).psiMaxProbe(0.10).build();
        List<String> events = new CopyOnWriteArrayList<>();
        GuestLauncher launcher = TestGuests.launcher(dir);
        try (ZswapGuard zswap = ZswapGuard.save();
             TemporarySwap swap = TemporarySwap.ensure(768 * MIB);
             TestCgroup cgIdle = TestCgroup.create("psi-idle");
             TestCgroup cgBusy = TestCgroup.create("psi-busy");
             // the idle guest filled 64M once and holds it untouched; the busy one touches its 128M over and over
             Guest gi = launcher.start(GuestSpec.idle(idle, MEMORY).withWorkload(64 * MIB, 0, "unique"), TestGuests.BOOT, cgIdle.get());
             Guest gb = launcher.start(GuestSpec.idle(busy, MEMORY).withWorkload(128 * MIB, 8000, "unique"), TestGuests.BOOT, cgBusy.get())) {
            HostConfig cfg = new HostConfig("psi", pc, Duration.ofSeconds(1), Duration.ZERO, 0, OVERHEAD, 0, null, false, 20, true, 64 * MIB,
                    List.of(new VmConfig(idle, gi.qmpSocket(), -1, 0, -1, "normal", true), new VmConfig(busy, gb.qmpSocket(), -1, 0, -1, "normal", true)));
            List<Decision> log = new ArrayList<>();
            try (ManagerLoop loop = new ManagerLoop(cfg, PolicyRegistry.create("psi", pc), pc, HostPaths.system(), d -> { }, events::add)) {
                long end = System.nanoTime() + Duration.ofSeconds(45).toNanos();
                while (System.nanoTime() < end) {
                    log.add(loop.step());
                    Thread.sleep(1000);
                }
            }
            Decision last = log.get(log.size() - 1);
            assertThat(last.errors()).as("events %s", events).isEmpty();
            for (String vm : List.of(idle, busy)) {
                assertThat(last.samples().get(vm).view().memoryStallMicros()).as("the memory pressure of %s is observed, events %s", vm, events)
                        .isNotNegative();
            }
            VmPlan i = last.plan().vm(idle).orElseThrow(), b = last.plan().vm(busy).orElseThrow();
            System.err.printf("[test] psi after %d decisions: idle limit %d MiB (%s), busy limit %d MiB (%s); stall idle %d us, busy %d us%n",
                    log.size(), i.targetBytes() / MIB, i.reason(), b.targetBytes() / MIB, b.reason(),
                    last.samples().get(idle).view().memoryStallMicros(), last.samples().get(busy).view().memoryStallMicros());
            for (Decision d : log) {
                System.err.println("[test]   t=" + d.view().timeMillis() / 1000 + "s " + d.plan().vms().stream()
                        .map(p -> p.name().replace("-" + pid, "") + " " + p.targetBytes() / MIB + "M (" + p.reason() + ")").toList());
            }
            assertThat(i.targetBytes()).as("the idle guest's limit, shrunk from its 256M").isLessThanOrEqualTo(MEMORY / 2);
            assertThat(last.cgroups().get(idle).limitBytes()).as("carried by its cgroup").isLessThanOrEqualTo(i.targetBytes() + OVERHEAD + 64 * MIB);
            assertThat(log.stream().map(d -> d.plan().vm(busy).orElseThrow().reason())).as("the busy guest backed off")
                    .anyMatch(r -> r.contains("back off"));
            assertThat(b.targetBytes()).as("the busy guest keeps more than the idle one").isGreaterThan(i.targetBytes());
            assertThat(gi.alive() && gb.alive()).isTrue();
            assertThat(zswap.now()).as("the manager put zswap back on exit").isEqualTo(zswap.saved());
        }
    }
}
