package dev.memvisor.qemu.manager;

import dev.memvisor.core.control.Action;
import dev.memvisor.core.model.HostMemoryState;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.qemu.act.CgroupSetting;
import dev.memvisor.qemu.act.MemoryCgroup;
import dev.memvisor.qemu.act.TemporarySwap;
import dev.memvisor.qemu.act.TestCgroup;
import dev.memvisor.qemu.launch.Guest;
import dev.memvisor.qemu.launch.GuestSpec;
import dev.memvisor.qemu.launch.TestGuests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The manager carries the plan's hypervisor-swap target and the low state's blocking out through
 * the VM's memory cgroup on a real guest: with a swap target the limit drops to target + overhead
 * and the host swaps the guest out; in low the throttle is set to it too; back in high both lift.
 */
class CgroupActuatorRealTest {
    private static final long MIB = 1L << 20;
    private static final long TARGET = 96 * MIB;
    private static final long OVERHEAD = 32 * MIB;
    private static final long HEADROOM = 256 * MIB;
    @TempDir Path dir;

    @Test
    void swapTargetAndBlockingBecomeCgroupLimits() throws Exception {
        String name = "cgact-" + ProcessHandle.current().pid();
        GuestSpec spec = GuestSpec.idle(name, 256 * MIB).withWorkload(160 * MIB, 8000, "unique");
        ScriptedTestPolicy policy = new ScriptedTestPolicy(TARGET);
        List<String> events = new CopyOnWriteArrayList<>();
        try (TemporarySwap swap = TemporarySwap.ensure(512 * MIB);
             TestCgroup cg = TestCgroup.create("cgact");   // the same directory the loop makes for VM "cgact-PID"
             // started in it, so all of QEMU's memory is charged there (charges do not move with a process that joins later)
             Guest g = TestGuests.launcher(dir).start(spec, TestGuests.BOOT, cg.get())) {
            HostConfig cfg = new HostConfig("test-scripted", Duration.ofSeconds(1), 0, OVERHEAD, 0, null, false, 20, true, HEADROOM,
                    List.of(new VmConfig(name, g.qmpSocket(), -1, 0, -1, "normal", false)));
            try (ManagerLoop loop = new ManagerLoop(cfg, policy, PolicyConfig.defaults(), HostPaths.system(), d -> { }, events::add)) {
                MemoryCgroup c = cg.get();
                Decision high = loop.step();
                assertThat(high.errors()).as("events %s", events).isEmpty();
                assertThat(high.failures()).as("events %s", events).isEmpty();
                assertThat(c.contains(g.pid())).as("QEMU in " + c.dir()).isTrue();
                assertThat(c.limit()).isEqualTo(TARGET + HEADROOM);
                assertThat(high.cgroups().get(name).mode()).isEqualTo("headroom");

                policy.state(HostMemoryState.HARD);
                Decision hard = loop.step();
                assertThat(c.limit()).as("limit = target + overhead when the plan host-swaps, events %s", events).isEqualTo(TARGET + OVERHEAD);
                assertThat(c.high()).isEqualTo(CgroupSetting.NONE);
                assertThat(hard.actions()).as("the typed action the cgroup carries out").anySatisfy(a -> {
                    assertThat(a).isInstanceOf(Action.HostReclaim.class);
                    Action.HostReclaim r = (Action.HostReclaim) a;
                    assertThat(r.vm()).isEqualTo(name);
                    assertThat(r.targetBytes()).isEqualTo(TARGET);
                    assertThat(r.swapTargetBytes()).isPositive();
                });
                assertThat(hard.cgroups().get(name)).isEqualTo(new CgroupSetting("swap", TARGET + OVERHEAD, CgroupSetting.NONE));
                String json = DecisionJson.line(hard, "test-scripted", Instant.EPOCH);
                assertThat(json).contains("\"cgroup\":{\"mode\":\"swap\",\"limit\":" + (TARGET + OVERHEAD) + ",\"high\":-1}")
                        .containsPattern("\"SWTGT\":[1-9]");
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                Decision d = hard;
                while (System.nanoTime() < deadline && d.samples().get(name).view().swappedBytes() < 16 * MIB) {
                    Thread.sleep(1000);
                    d = loop.step();
                }
                assertThat(d.samples().get(name).view().swappedBytes()).as("SWCUR: the host swapped the guest out%s", g.tails())
                        .isGreaterThanOrEqualTo(16 * MIB);
                assertThat(c.usageBytes()).isLessThanOrEqualTo(TARGET + OVERHEAD);

                policy.state(HostMemoryState.LOW);
                Decision low = loop.step();
                assertThat(low.plan().vms().get(0).blockAllocations()).isTrue();
                assertThat(c.high()).as("throttle (v2 memory.high, v1 soft limit) at target + overhead").isEqualTo(TARGET + OVERHEAD);
                assertThat(DecisionJson.line(low, "test-scripted", Instant.EPOCH)).contains("\"blocked\":true")
                        .contains("\"mode\":\"block\"");

                policy.state(HostMemoryState.HIGH);
                loop.step();
                assertThat(c.limit()).isEqualTo(TARGET + HEADROOM);
                assertThat(c.high()).isEqualTo(CgroupSetting.NONE);
                assertThat(g.alive()).isTrue();
            }
        }
    }
}
