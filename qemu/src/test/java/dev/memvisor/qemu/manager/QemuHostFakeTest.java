package dev.memvisor.qemu.manager;

import dev.memvisor.core.control.Action;
import dev.memvisor.core.model.HostView;
import dev.memvisor.qemu.qmp.FakeQmpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.memvisor.qemu.manager.FakeProc.MIB;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The QEMU host against QMP peers that misbehave, next to one that answers: a peer that falls
 * silent, one that never greets, one that speaks garbage and one that sends an endless line each
 * cost their own VM a bounded time and nothing else; a VM that is alive but unreachable keeps
 * counting the memory it holds until its process is gone.
 */
class QemuHostFakeTest {
    private static final long BUDGET = 1000 * MIB;
    private static final Duration QMP_TIMEOUT = Duration.ofMillis(1500);
    private static final long OVERHEAD = 32 * MIB;
    @TempDir Path dir;

    private HostConfig config(List<VmConfig> vms) {
        return new HostConfig("esx", Duration.ofSeconds(5), Duration.ofMillis(250), BUDGET, OVERHEAD, 0,
                HostConfig.DEFAULT_METRICS_ADDRESS, QMP_TIMEOUT, null, false, 20, false, 0, vms);
    }

    /** Issue 11, items 1 and 6: each bad peer costs its own VM at most its deadline, and the good VM is observed. */
    @Test
    void badPeersCostOnlyTheirOwnVmsAndABoundedTime() throws Exception {
        FakeProc proc = new FakeProc(dir);
        byte[] endless = new byte[1 << 20];
        java.util.Arrays.fill(endless, (byte) 'x');
        try (FakeQemu good = new FakeQemu(proc, dir, "good", 101, 256 * MIB, 200 * MIB);
             FakeQmpServer silent = FakeQmpServer.on(dir.resolve("silent.qmp"), null, (r, c) -> { });
             FakeQmpServer garbage = FakeQmpServer.on(dir.resolve("garbage.qmp"), "this is not QMP", (r, c) -> { });
             FakeQmpServer flood = FakeQmpServer.on(dir.resolve("flood.qmp"), FakeQmpServer.GREETING, FakeQmpServer.answering((r, c) -> {
                 // an endless line: 16 MiB and more without a newline
                 for (int i = 0; i < 64 && c.open(); i++) c.sendRaw(endless);
             }))) {
            List<VmConfig> vms = List.of(good.config(0), vm("silent", silent.path()), vm("garbage", garbage.path()), vm("flood", flood.path()));
            List<String> events = new CopyOnWriteArrayList<>();
            try (QemuHost host = new QemuHost(config(vms), proc.paths(), events::add)) {
                long t0 = System.nanoTime();
                HostView view = host.observe(0);
                long tookMs = (System.nanoTime() - t0) / 1_000_000;
                assertThat(tookMs).as("one observation with three bad peers, deadline " + host.vmDeadline().toMillis() + " ms each, all at once")
                        .isLessThan(host.vmDeadline().toMillis() + 1000);
                assertThat(view.vms()).extracting(v -> v.name()).containsExactly("good");
                Observation o = host.lastObservation();
                assertThat(o.errors().get("silent")).contains("greeting");
                assertThat(o.errors().get("garbage")).contains("malformed");
                assertThat(o.errors().get("flood")).contains("longer than 8 MiB without a line end");
                assertThat(events).anyMatch(e -> e.startsWith("vm flood: not managed this interval") && e.contains("dropping the peer"));
                host.apply(new Action.Balloon("good", 64 * MIB));
                assertThat(good.balloonCommands).containsExactly(192 * MIB);
            }
        }
    }

    /** Issue 11, item 3: a VM alive but silent keeps its memory counted, so the others are not given it; once it is gone it counts no more. */
    @Test
    void aSilentVmKeepsCountingWhatItHoldsUntilItsProcessIsGone() throws Exception {
        FakeProc proc = new FakeProc(dir);
        try (FakeQemu a = new FakeQemu(proc, dir, "a", 201, 512 * MIB, 300 * MIB);
             FakeQemu b = new FakeQemu(proc, dir, "b", 202, 512 * MIB, 400 * MIB)) {
            List<String> events = new ArrayList<>();
            try (QemuHost host = new QemuHost(config(List.of(a.config(0), b.config(0))), proc.paths(), events::add)) {
                HostView both = host.observe(0);
                assertThat(both.machineBytes()).isEqualTo(BUDGET);
                assertThat(both.freeBytes()).as("the budget less what the VMs use and their overhead").isEqualTo(BUDGET - 700 * MIB - 2 * OVERHEAD);

                b.silent(true);
                HostView one = host.observe(5000);
                assertThat(one.vms()).extracting(v -> v.name()).containsExactly("a");
                assertThat(host.lastObservation().errors().get("b")).contains("no reply within");
                assertThat(host.lastObservation().held()).containsEntry("b", 400 * MIB);
                assertThat(one.machineBytes()).as("the budget less what b still holds").isEqualTo(BUDGET - 400 * MIB);
                assertThat(one.freeBytes()).isEqualTo(BUDGET - 700 * MIB - OVERHEAD);
                FreeMemory quick = host.quickFree();
                assertThat(quick).as("the check between intervals agrees").isEqualTo(new FreeMemory(one.freeBytes(), one.machineBytes()));

                b.use(450 * MIB); // still growing while unreachable: its statm says so
                assertThat(host.quickFree().machineBytes()).isEqualTo(BUDGET - 450 * MIB);

                proc.exit(b.pid);
                Files.delete(b.socket());
                HostView gone = host.observe(10000);
                assertThat(host.lastObservation().held()).doesNotContainKey("b");
                assertThat(gone.machineBytes()).isEqualTo(BUDGET);
            }
        }
    }

    private static VmConfig vm(String name, Path socket) {
        return new VmConfig(name, socket, 256 * MIB, 0, -1, "normal", true);
    }

    static String read(Path p) throws Exception {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
