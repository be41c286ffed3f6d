package dev.memvisor.qemu.manager;

import dev.memvisor.core.model.HostMemoryState;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.qemu.act.CompressionCache;
import dev.memvisor.qemu.act.MemoryCgroup;
import dev.memvisor.qemu.act.TemporarySwap;
import dev.memvisor.qemu.act.TestCgroup;
import dev.memvisor.qemu.act.ZswapControl;
import dev.memvisor.qemu.act.ZswapGuard;
import dev.memvisor.qemu.collect.MemInfo;
import dev.memvisor.qemu.collect.VmStat;
import dev.memvisor.qemu.launch.Guest;
import dev.memvisor.qemu.launch.GuestSpec;
import dev.memvisor.qemu.launch.TestGuests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Memory compression on a real host: a guest whose QEMU sits in a memory cgroup below what its workload
 * touches is swapped by the host; while the plan allows compression the manager turns zswap on and its
 * pages go to the compressed pool (zswpout grows, the VM's ZIP is reported), and once the plan no longer
 * allows it the host's settings come back and pages go to the swap device (pswpout grows). The host's
 * zswap settings are put back when the test ends, whether it passes or fails.
 */
class ZswapRealTest {
    private static final long MIB = 1L << 20;
    private static final long TARGET = 128 * MIB;
    private static final long OVERHEAD = 32 * MIB;
    private static final Path PROC = Path.of("/proc");
    private static final Pattern TOUCHED = Pattern.compile("mvload: t=\\d+ touched=(\\d+)");

    @TempDir Path dir;

    @Test
    void compressionAllowedTurnsZswapOnAndItsPagesAreCompressedNotWritten() throws Exception {
        String name = "zswap-" + ProcessHandle.current().pid();
        // 192M touched over and over, half of each page zeros (compresses to about 2K): more than the 160M its cgroup allows
        GuestSpec spec = GuestSpec.idle(name, 320 * MIB).withWorkload(192 * MIB, 8000, "half");
        ScriptedTestPolicy policy = new ScriptedTestPolicy(TARGET);
        List<String> events = new CopyOnWriteArrayList<>();
        try (ZswapGuard guard = ZswapGuard.save();
             TemporarySwap swap = TemporarySwap.ensure(512 * MIB);
             TestCgroup cg = TestCgroup.create("zswap");
             Guest g = TestGuests.launcher(dir).start(spec, TestGuests.BOOT, cg.get())) {
            System.err.println("[test] zswap as found: " + guard.saved() + ", host swap " + TemporarySwap.activeSwaps());
            HostConfig cfg = new HostConfig("test-scripted", Duration.ofSeconds(1), 0, OVERHEAD, 0, null, false, 20, true, 256 * MIB,
                    List.of(new VmConfig(name, g.qmpSocket(), -1, 0, -1, "normal", false))).withZswap(new ZswapConfig(true, "", 0.10));
            try (ManagerLoop loop = new ManagerLoop(cfg, policy, PolicyConfig.defaults(), HostPaths.system(), d -> { }, events::add)) {
                policy.state(HostMemoryState.HARD);
                policy.compression(true);
                Decision on = loop.step();
                assertThat(on.failures()).as("events %s", events).isEmpty();
                ZswapControl.Settings set = guard.now();
                int pct = CompressionCache.of(Map.of(name, true), Map.of(name, 320 * MIB), 0.10, MemInfo.read(PROC).totalBytes()).maxPoolPercent();
                assertThat(set).as("zswap while the plan allows compression").isEqualTo(new ZswapControl.Settings(true, guard.saved().compressor(), pct));
                assertThat(DecisionJson.line(on, "test-scripted", Instant.EPOCH)).contains("\"zswap\":{\"enabled\":true");
                Window withZswap = measure(loop, g, name, Duration.ofSeconds(20));
                System.err.println("[test] zswap on:  " + withZswap);
                assertThat(withZswap.zswpoutPages).as("pages stored in zswap, events %s%s", events, g.tails()).isPositive();
                assertThat(withZswap.zipBytes).as("the VM's ZIP as the manager reports it").isPositive();
                assertThat(withZswap.touchedPages).as("the guest made progress from the compressed pool%s", g.tails()).isPositive();
                MemoryCgroup c = cg.get();
                if (c.zswapAccounted()) {
                    assertThat(withZswap.zipSource).isEqualTo("cgroup");
                    assertThat(c.stat().get("zswapped")).as("zswapped in the VM's cgroup's memory.stat").isPositive();
                    assertThat(c.zswapMax()).as("memory.zswap.max = 10 % of the VM").isEqualTo(320 * MIB / 10);
                } else {
                    // cgroup v1 does not account zswap per group: the host's figures, shared by the VM's part of the swap
                    assertThat(withZswap.zipSource).isEqualTo("estimate");
                    assertThat(c.swapBytes()).as("swap charged to the VM's v1 cgroup (memory.stat swap)").isGreaterThanOrEqualTo(withZswap.zipBytes);
                }

                policy.compression(false);
                loop.step();
                assertThat(guard.now()).as("the host's own settings back once no VM may be compressed").isEqualTo(guard.saved());
                Window without = measure(loop, g, name, Duration.ofSeconds(20));
                System.err.println("[test] zswap off: " + without);
                if (!guard.saved().enabled()) {
                    assertThat(without.pswpoutPages).as("pages written to the swap device without zswap").isPositive();
                    assertThat(without.zswpoutPages).as("no page stored in zswap once it is off").isZero();
                }
                assertThat(g.alive()).isTrue();
                assertThat(g.consoleLines()).as("the guest's workload was not killed").noneMatch(l -> l.contains("Out of memory"));
                assertThat(without.touchedPages).as("the guest made progress on the swap device%s", g.tails()).isPositive();
                policy.compression(true);
                loop.step();
                assertThat(guard.now().enabled()).isTrue();
            }
            assertThat(events).contains("zswap: settings restored (enabled=" + (guard.saved().enabled() ? "Y" : "N") + ", compressor="
                    + guard.saved().compressor() + ", max_pool_percent=" + guard.saved().maxPoolPercent() + ")");
            assertThat(guard.now()).as("the manager put zswap back on exit").isEqualTo(guard.saved());
        }
    }

    /** What one window of decisions saw: device writes, zswap stores, the VM's ZIP at the end, and the guest's progress. */
    record Window(long pswpoutPages, long zswpoutPages, long zipBytes, String zipSource, long touchedPages) {}

    private static Window measure(ManagerLoop loop, Guest g, String vm, Duration d) throws InterruptedException {
        VmStat before = VmStat.read(PROC);
        long touched0 = lastTouched(g);
        long end = System.nanoTime() + d.toNanos();
        Decision last = loop.step();
        while (System.nanoTime() < end) {
            Thread.sleep(1000);
            last = loop.step();
        }
        VmStat after = VmStat.read(PROC);
        VmSample s = last.samples().get(vm);
        return new Window(after.get("pswpout") - before.get("pswpout"), after.get("zswpout") - before.get("zswpout"),
                s == null ? -1 : s.view().compressedBytes(), s == null ? "?" : s.zipSource(), lastTouched(g) - touched0);
    }

    private static long lastTouched(Guest g) {
        long last = 0;
        for (String line : g.consoleLines()) {
            Matcher m = TOUCHED.matcher(line);
            if (m.find()) last = Long.parseLong(m.group(1));
        }
        return last;
    }
}
