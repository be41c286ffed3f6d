package dev.memvisor.qemu.manager;

import dev.memvisor.core.control.Action;
import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.VmView;
import dev.memvisor.qemu.collect.ActiveMemoryWindow;
import dev.memvisor.qemu.collect.ReferencedBitSampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.memvisor.qemu.manager.FakeProc.MIB;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two groups of VMs as one host: one budget and one free memory for all their VMs (what each
 * consumes, what an unreachable one holds), each action to the group whose VM it is, KSM driven and
 * restored once by the combined host; and a dry run of it that carries nothing out.
 */
class CombinedHostTest {
    private static final long BUDGET = 2000 * MIB;
    private static final long OVERHEAD = 32 * MIB;
    @TempDir Path dir;

    private HostConfig config(List<VmConfig> vms) {
        return new HostConfig("esx", Duration.ofSeconds(5), Duration.ofMillis(250), BUDGET, OVERHEAD, 0,
                HostConfig.DEFAULT_METRICS_ADDRESS, Duration.ofMillis(500), null, true, 20, false, 0, vms);
    }

    private static Path ksm(Path dir) throws Exception {
        Path k = Files.createDirectories(dir.resolve("ksm"));
        Files.writeString(k.resolve("run"), "0");
        Files.writeString(k.resolve("pages_to_scan"), "100");
        Files.writeString(k.resolve("sleep_millisecs"), "20");
        return k;
    }

    @Test
    void twoGroupsAreOneHostWithOneBudgetAndOneKsm() throws Exception {
        FakeProc proc = new FakeProc(dir);
        Path ksmDir = ksm(dir);
        List<String> events = new CopyOnWriteArrayList<>();
        try (FakeQemu a = new FakeQemu(proc, dir, "a", 301, 512 * MIB, 300 * MIB);
             FakeQemu b = new FakeQemu(proc, dir, "b", 302, 512 * MIB, 200 * MIB)) {
            HostConfig cfg = config(List.of());
            HostPaths paths = proc.paths(ksmDir);
            ActiveMemoryWindow shared = new ActiveMemoryWindow(new ReferencedBitSampler(proc.root), 5000);
            QemuHost ga = new QemuHost(cfg.withVms(List.of(a.config(0))), paths, shared, events::add);
            QemuHost gb = new QemuHost(cfg.withVms(List.of(b.config(0))), paths, shared, events::add);
            try (CombinedHost host = new CombinedHost(List.of(ga, gb), cfg, paths, shared, new KsmKeeper(ksmDir, true, 20, events::add))) {
                HostView v = host.observe(0);
                assertThat(v.vms()).extracting(VmView::name).containsExactly("a", "b");
                assertThat(v.machineBytes()).isEqualTo(BUDGET);
                assertThat(v.freeBytes()).as("one budget for both groups").isEqualTo(BUDGET - 500 * MIB - 2 * OVERHEAD);
                assertThat(host.quickFree()).as("the check between intervals agrees").isEqualTo(new FreeMemory(v.freeBytes(), v.machineBytes()));

                host.apply(new Action.Balloon("b", 112 * MIB));
                assertThat(b.balloonCommands).containsExactly(400 * MIB);
                assertThat(a.balloonCommands).isEmpty();
                assertThat(host.effects().balloonGuestBytes()).containsEntry("b", 400 * MIB);
                host.apply(new Action.SharingRate(1000));
                assertThat(Files.readString(ksmDir.resolve("run")).trim()).isEqualTo("1");
                assertThat(Files.readString(ksmDir.resolve("pages_to_scan")).trim()).isEqualTo("20");

                // a unreachable: it leaves the view, what it holds still counts, for the combined host as for its group
                a.silent(true);
                HostView one = host.observe(5000);
                assertThat(one.vms()).extracting(VmView::name).containsExactly("b");
                assertThat(host.lastObservation().held()).containsEntry("a", 300 * MIB);
                assertThat(one.machineBytes()).isEqualTo(BUDGET - 300 * MIB);
                assertThat(one.freeBytes()).isEqualTo(BUDGET - 300 * MIB - 200 * MIB - OVERHEAD);
            }
            assertThat(Files.readString(ksmDir.resolve("run")).trim()).as("KSM put back once, by the combined host").isEqualTo("0");
            assertThat(Files.readString(ksmDir.resolve("pages_to_scan")).trim()).isEqualTo("100");
            assertThat(events.stream().filter(e -> e.startsWith("ksm: settings restored")).count()).isEqualTo(1);
        }
    }

    @Test
    void aDryRunDecidesAndCarriesNothingOut() throws Exception {
        FakeProc proc = new FakeProc(dir);
        try (FakeQemu a = new FakeQemu(proc, dir, "a", 401, 512 * MIB, 300 * MIB);
             DryRunHost host = new DryRunHost(new QemuHost(config(List.of(a.config(0))).withoutActuators(), proc.paths(), e -> { }))) {
            assertThat(host.observe(0).vms()).extracting(VmView::name).containsExactly("a");
            host.apply(new Action.Balloon("a", 200 * MIB));
            host.apply(new Action.HostReclaim("a", 100 * MIB, 50 * MIB, false, true));
            assertThat(a.balloonCommands).as("no balloon command reached QEMU").isEmpty();
            assertThat(host.effects().balloonGuestBytes()).isEmpty();
        }
    }
}
