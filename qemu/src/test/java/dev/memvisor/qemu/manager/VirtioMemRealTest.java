package dev.memvisor.qemu.manager;

import dev.memvisor.core.control.Action;
import dev.memvisor.core.model.HotplugMemory;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.policy.PolicyRegistry;
import dev.memvisor.qemu.act.VirtioMemPlug;
import dev.memvisor.qemu.launch.Guest;
import dev.memvisor.qemu.launch.GuestSpec;
import dev.memvisor.qemu.launch.TestGuests;
import dev.memvisor.qemu.qmp.QmpClient;
import dev.memvisor.qemu.qmp.VirtioMemInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hyperv policy grows a real guest past its boot memory by plugging virtio-mem blocks and shrinks it
 * again by unplugging them when the host is short; the guest's own MemTotal (printed on its console by
 * its init) follows, and QEMU's device (queried over our own QMP connection once the manager let go) has
 * what was asked last.
 */
class VirtioMemRealTest {
    private static final long MIB = 1L << 20;
    private static final long BOOT = 256 * MIB;
    private static final long REGION = 256 * MIB;
    private static final long BLOCK = 2 * MIB;
    private static final Pattern MEMTOTAL = Pattern.compile("MemTotal: (\\d+) kB");
    @TempDir Path dir;

    @Test
    void hypervHotAddsToGrowAndUnplugsToShrink() throws Exception {
        String name = "vmem-" + ProcessHandle.current().pid();
        // the workload fills 140M once and holds it: committed about 155M, and with a 100 % buffer hyperv wants about 310M
        GuestSpec spec = GuestSpec.idle(name, BOOT).withWorkload(140 * MIB, 0, "unique").withHotplug(REGION, BLOCK, 0);
        PolicyConfig pc = PolicyConfig.builder().hypervBufferPercent(100).build();
        List<String> events = new CopyOnWriteArrayList<>();
        try (Guest g = TestGuests.launcher(dir).start(spec, TestGuests.BOOT)) {
            awaitConsole(g, l -> l.contains("mvload: filled"), Duration.ofSeconds(120));
            long bootTotal = memTotalKib(g.consoleLines().stream().filter(l -> l.contains(Guest.READY_MARKER)).findFirst().orElseThrow());
            HostConfig cfg = new HostConfig("hyperv", pc, Duration.ofSeconds(1), Duration.ZERO, 0, 32 * MIB, 0, null, false, 20, false, 0,
                    List.of(new VmConfig(name, g.qmpSocket(), -1, 128 * MIB, -1, "normal", true)));
            try (ManagerLoop loop = new ManagerLoop(cfg, PolicyRegistry.create("hyperv", pc), pc, HostPaths.system(), d -> { }, events::add)) {
                // grow: the guest's need is above its boot memory, so blocks are plugged
                Decision d = stepUntil(loop, x -> plugTarget(x, name) > 0, Duration.ofSeconds(60), events);
                HotplugMemory h = d.view().vms().get(0).hotplug();
                assertThat(h).as("the VM's virtio-mem device, events %s", events).isNotNull();
                assertThat(d.view().vms().get(0).settings().configuredBytes()).as("configured = boot + region").isEqualTo(BOOT + REGION);
                long grown = plugTarget(d, name);
                assertThat(grown % BLOCK).isZero();
                assertThat(d.actions()).contains(new Action.Plug(name, grown));
                assertThat(DecisionJson.line(d, "hyperv", Instant.EPOCH)).contains("\"plug\":{\"boot\":" + BOOT).contains("\"plugSent\":" + grown);
                Decision seen = stepUntil(loop, x -> x.view().vms().get(0).hotplug().pluggedBytes() == grown, Duration.ofSeconds(60), events);
                // the decision that saw the plug may already have asked for more (the guest's need grows with its memory), so
                // MemTotal may rise up to that decision's target; it never rises past what was asked for
                long upTo = Math.max(grown, plugTarget(seen, name));
                long grownTotal = awaitMemTotal(g, kib -> kib >= bootTotal + grown / 1024 - 8 * 1024, Duration.ofSeconds(30));
                assertThat(grownTotal - bootTotal).as("MemTotal rose by what was plugged (KiB)").isBetween(grown / 1024 - 8 * 1024, upTo / 1024);
                // the change was timed (by QEMU's event, or at the latest by the observation that saw it)
                VirtioMemPlug.Change c = loop.host().virtioMem(name).last();
                assertThat(c).as("a completed change").isNotNull();
                assertThat(c.toBytes()).isEqualTo(grown);
                assertThat(c.tookMicros()).as("time the change took, us").isBetween(0L, 60_000_000L);

                // shrink: a budget of boot memory + overhead leaves no room above the boot memory, so every block is unplugged
                loop.setBudget(BOOT + 32 * MIB);
                stepUntil(loop, x -> x.view().vms().get(0).hotplug().pluggedBytes() == 0 && plugTarget(x, name) == 0, Duration.ofSeconds(90), events);
                long shrunkTotal = awaitMemTotal(g, kib -> kib <= bootTotal, Duration.ofSeconds(30));
                assertThat(shrunkTotal).as("MemTotal back to the boot memory's (KiB)").isEqualTo(bootTotal);
                assertThat(g.alive()).isTrue();
            }
            // QEMU serves one QMP client at a time: once the manager let go, our own connection reads the device
            try (QmpClient own = g.qmp()) {
                VirtioMemInfo dev = own.queryVirtioMem().get(0);
                assertThat(dev.sizeBytes()).as("QEMU's plugged size").isZero();
                assertThat(dev.requestedBytes()).isZero();
                assertThat(dev.maxSizeBytes()).isEqualTo(REGION);
            }
        }
    }

    private static long plugTarget(Decision d, String vm) {
        return d.plan().vm(vm).orElseThrow().pluggedTargetBytes();
    }

    private static Decision stepUntil(ManagerLoop loop, Predicate<Decision> done, Duration timeout, List<String> events) throws InterruptedException {
        return LoopSteps.until(loop, done, timeout, events, "hyperv");
    }

    /** The last MemTotal the guest printed (ready line or its reporter), in KiB, once it satisfies {@code ok}. */
    private static long awaitMemTotal(Guest g, java.util.function.LongPredicate ok, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long last = -1;
            for (String l : g.consoleLines()) if (l.startsWith("memvisor-guest:")) last = memTotalKibOr(l, last);
            if (last >= 0 && ok.test(last)) return last;
            if (System.nanoTime() > deadline) throw new AssertionError("the guest's MemTotal is " + last + " KiB after " + timeout.toSeconds() + " s" + g.tails());
            Thread.sleep(250);
        }
    }

    private static long memTotalKib(String line) {
        Matcher m = MEMTOTAL.matcher(line);
        if (!m.find()) throw new AssertionError("no MemTotal in " + line);
        return Long.parseLong(m.group(1));
    }

    private static long memTotalKibOr(String line, long otherwise) {
        Matcher m = MEMTOTAL.matcher(line);
        return m.find() ? Long.parseLong(m.group(1)) : otherwise;
    }

    private static void awaitConsole(Guest g, Predicate<String> line, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (g.consoleLines().stream().noneMatch(line)) {
            if (System.nanoTime() > deadline) throw new AssertionError("console line not seen within " + timeout.toSeconds() + " s" + g.tails());
            Thread.sleep(250);
        }
    }
}
