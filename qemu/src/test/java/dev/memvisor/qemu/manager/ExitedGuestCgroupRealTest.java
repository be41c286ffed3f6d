package dev.memvisor.qemu.manager;

import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.policy.PolicyRegistry;
import dev.memvisor.qemu.act.MemoryCgroup;
import dev.memvisor.qemu.launch.Guest;
import dev.memvisor.qemu.launch.GuestLauncher;
import dev.memvisor.qemu.launch.GuestSpec;
import dev.memvisor.qemu.launch.TestGuests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cgroups the manager makes for a guest's QEMU (its memory group, and on a hybrid host its pressure group in
 * the unified hierarchy) go when that QEMU exits, and not before: a guest still running when the manager stops
 * keeps its groups (it may be managed again), a guest that is gone leaves nothing behind. Checked on the real
 * cgroup file systems, with the directories read from outside the manager.
 */
class ExitedGuestCgroupRealTest {
    private static final long MIB = 1L << 20;
    private static final Path CGROUPS = Path.of("/sys/fs/cgroup");
    @TempDir Path dir;

    @Test
    void groupsOfAnExitedGuestAreRemovedAndThoseOfARunningOneKept() throws Exception {
        String gone = "cgexit-" + ProcessHandle.current().pid();
        String stays = "cgstay-" + ProcessHandle.current().pid();
        GuestLauncher launcher = TestGuests.launcher(dir);
        List<Guest> guests = launcher.startAll(List.of(GuestSpec.idle(gone, 128 * MIB), GuestSpec.idle(stays, 128 * MIB)), TestGuests.BOOT);
        List<String> events = new CopyOnWriteArrayList<>();
        List<Path> staysGroups = groups(stays);
        try {
            Guest g = guests.get(0);
            HostConfig cfg = new HostConfig("static", Duration.ofSeconds(1), 0, 32 * MIB, 0, null, false, 20, true, 256 * MIB,
                    List.of(new VmConfig(gone, g.qmpSocket(), -1, 0, -1, "normal", false),
                            new VmConfig(stays, guests.get(1).qmpSocket(), -1, 0, -1, "normal", false)));
            try (ManagerLoop loop = new ManagerLoop(cfg, PolicyRegistry.create("static", PolicyConfig.defaults()), PolicyConfig.defaults(), HostPaths.system(), d -> { }, events::add)) {
                loop.step();
                List<Path> goneGroups = groups(gone);
                assertThat(goneGroups).as("events %s", events).isNotEmpty().allSatisfy(d -> assertThat(procs(d)).contains(Long.toString(g.pid())));
                assertThat(staysGroups).as("events %s", events).isNotEmpty().allSatisfy(d -> assertThat(d).isDirectory());

                g.close(); // QEMU exits (and is reaped by the launcher)
                // the observation after the exit finds no QEMU on the socket, and removes its groups
                for (int i = 0; i < 5 && goneGroups.stream().anyMatch(Files::exists); i++) loop.step();
                assertThat(goneGroups).as("the exited guest's cgroups, events %s", events).noneMatch(Files::exists);
                assertThat(events).anyMatch(e -> e.startsWith("vm " + gone + ": its QEMU") && e.contains("has exited; removed its cgroups"));
                assertThat(staysGroups).as("the running guest's cgroups").allSatisfy(d -> assertThat(d).isDirectory());
            }
            assertThat(staysGroups).as("a running guest keeps its cgroups when the manager stops").allSatisfy(d -> assertThat(d).isDirectory());
        } finally {
            guests.forEach(Guest::close);
            // the running guest's groups were kept on purpose: the test removes them once its QEMU is gone
            for (Path d : staysGroups) Files.deleteIfExists(d);
        }
    }

    /** Where the manager puts a VM's QEMU: memvisor/NAME under the memory controller, and under the unified hierarchy on a hybrid host. */
    private static List<Path> groups(String vm) {
        List<Path> out = new ArrayList<>();
        MemoryCgroup.Hierarchy h = MemoryCgroup.detect(CGROUPS);
        out.add(h.root().resolve("memvisor").resolve(vm));
        Path unified = MemoryCgroup.unifiedRoot(CGROUPS);
        if (h.version() == MemoryCgroup.Version.V1 && unified != null) out.add(unified.resolve("memvisor").resolve(vm));
        return out;
    }

    private static List<String> procs(Path group) {
        try {
            return Files.readAllLines(group.resolve("cgroup.procs"));
        } catch (IOException e) {
            throw new AssertionError("cannot read " + group.resolve("cgroup.procs"), e);
        }
    }
}
