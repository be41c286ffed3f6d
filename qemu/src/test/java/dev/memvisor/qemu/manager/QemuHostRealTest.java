package dev.memvisor.qemu.manager;

import dev.memvisor.core.control.Action;
import dev.memvisor.core.policy.MemoryPolicy;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.policy.PolicyRegistry;
import dev.memvisor.qemu.launch.Guest;
import dev.memvisor.qemu.launch.GuestLauncher;
import dev.memvisor.qemu.launch.GuestSpec;
import dev.memvisor.qemu.launch.TestGuests;
import dev.memvisor.qemu.qmp.QmpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The manager on three real guests whose memory exceeds the budget: it brings them under the
 * budget without taking the reserved guest below its reservation nor any balloon past the 65 % cap
 * (PlanBounds, as in the simulator), checked with our own QMP connection; then one guest is killed
 * and the manager logs it and goes on managing the other two.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QemuHostRealTest {
    private static final long MIB = 1L << 20;
    private static final long BUDGET = 360 * MIB;
    private static final long RESERVATION = 176 * MIB;
    private static Path dir;
    private static List<Guest> guests = List.of();
    private static ManagerLoop loop;
    private static final List<String> events = new CopyOnWriteArrayList<>();
    private static final List<Decision> decisions = new CopyOnWriteArrayList<>();
    private static HostConfig loopConfig;

    @BeforeAll
    static void startGuests() throws Exception {
        dir = Files.createTempDirectory("memvisor-loop");
        GuestLauncher launcher = TestGuests.launcher(dir);
        guests = launcher.startAll(List.of(
                GuestSpec.idle("a", 192 * MIB).withWorkload(16 * MIB, 0, "unique"),
                GuestSpec.idle("b", 192 * MIB).withWorkload(16 * MIB, 0, "unique"),
                GuestSpec.idle("c", 192 * MIB).withWorkload(16 * MIB, 0, "unique")), TestGuests.BOOT);
        List<VmConfig> vms = new ArrayList<>();
        for (Guest g : guests) {
            vms.add(new VmConfig(g.name(), g.qmpSocket(), -1, g.name().equals("c") ? RESERVATION : 0, -1, "normal", true));
        }
        HostConfig cfg = new HostConfig("esx", Duration.ofSeconds(1), BUDGET, 32 * MIB, 0, null, false, 20, false, 0, vms);
        loopConfig = cfg;
        MemoryPolicy policy = PolicyRegistry.names().contains("esx")
                ? PolicyRegistry.create("esx", PolicyConfig.defaults()) : new ProportionalTestPolicy();
        System.err.println("[test] manager policy: " + policy.name());
        loop = new ManagerLoop(cfg, policy, PolicyConfig.defaults(), HostPaths.system(), decisions::add, events::add);
    }

    @AfterAll
    static void stopGuests() {
        if (loop != null) loop.close();
        guests.forEach(Guest::close);
        for (Guest g : guests) assertThat(g.alive()).as(g.name() + " stopped").isFalse();
        dev.memvisor.qemu.launch.RunDirectory.delete(dir);
    }

    @Test
    @Order(1)
    void bringsTheGuestsUnderTheBudgetKeepingTheReservation() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        long sum = Long.MAX_VALUE;
        Decision d = null;
        while (System.nanoTime() < deadline) {
            d = loop.step();
            assertThat(d.errors()).isEmpty();
            assertThat(d.samples().get("c").actualBytes()).as("reserved guest c").isGreaterThanOrEqualTo(RESERVATION);
            sum = d.samples().values().stream().mapToLong(VmSample::actualBytes).sum();
            if (sum <= BUDGET) break;
            Thread.sleep(1000);
        }
        assertThat(sum).as("guest memory after ballooning, last decision " + d).isLessThanOrEqualTo(BUDGET);
        assertThat(d.samples().get("a").actualBytes()).isLessThan(192 * MIB);
        assertThat(d.samples().get("b").actualBytes()).isLessThan(192 * MIB);
        assertThat(d.samples().get("c").view().settings().reservationBytes()).isEqualTo(RESERVATION);
        long cap = (long) (PolicyConfig.defaults().maxBalloonFraction() * 192 * MIB);
        for (Decision each : decisions) {
            for (Action action : each.actions()) {
                if (!(action instanceof Action.Balloon b)) continue;
                assertThat(b.balloonBytes()).as("%s: at most 65 %% of 192M", b).isLessThanOrEqualTo(cap);
                if (b.vm().equals("c")) assertThat(192 * MIB - b.balloonBytes()).as("%s keeps c's reservation", b).isGreaterThanOrEqualTo(RESERVATION);
            }
        }
        // from outside: our own QMP connection sees each balloon within its bounds (the manager's is closed for it)
        loop.close();
        for (Guest g : guests) {
            try (QmpClient q = g.qmp()) {
                long actual = q.queryBalloon().actualBytes();
                assertThat(actual).as(g.name() + " from outside").isGreaterThanOrEqualTo(192 * MIB - cap - MIB);
                if (g.name().equals("c")) assertThat(actual).isGreaterThanOrEqualTo(RESERVATION);
            }
        }
        loop = new ManagerLoop(loopConfig, PolicyRegistry.names().contains("esx") ? PolicyRegistry.create("esx", PolicyConfig.defaults())
                : new ProportionalTestPolicy(), PolicyConfig.defaults(), HostPaths.system(), decisions::add, events::add);
        assertThat(events).anyMatch(e -> e.startsWith("vm c: connected"));
        // the state checks between intervals read statm only: they must see the free memory a full collection sees
        Decision now = loop.step();
        long cheap = loop.quickFree().freeBytes();
        System.err.println("[test] free: observation " + now.view().freeBytes() + ", state check " + cheap);
        assertThat(cheap).as("free by a state check vs by the observation just before (budget " + BUDGET + ")")
                .isCloseTo(now.view().freeBytes(), org.assertj.core.api.Assertions.within(4 * MIB));
        String json = DecisionJson.line(d, "test", java.time.Instant.EPOCH);
        assertThat(json).contains("\"name\":\"c\"").contains("\"AMIN\":" + RESERVATION).doesNotContain("\n");
    }

    @Test
    @Order(2)
    void aGuestKilledMidLoopIsLoggedAndTheOthersStayManaged() {
        Guest a = guests.get(0);
        a.kill();
        assertThat(a.alive()).isFalse();
        Decision d1 = loop.step();
        assertThat(d1.errors()).containsKey("a");
        assertThat(d1.samples()).containsOnlyKeys("b", "c");
        assertThat(events).anyMatch(e -> e.startsWith("vm a: not managed this interval"));
        int eventsBefore = events.size();
        Decision d2 = loop.step();
        assertThat(d2.samples()).containsOnlyKeys("b", "c");
        assertThat(d2.errors()).containsKey("a");
        assertThat(events.size()).as("the same failure is logged once, not every interval").isEqualTo(eventsBefore);
        assertThat(d2.view().vms()).extracting(v -> v.name()).containsExactly("b", "c");
        assertThat(d2.observation().held()).as("a killed QEMU holds nothing").doesNotContainKey("a");
        assertThat(d2.view().machineBytes()).isEqualTo(BUDGET);
        assertThat(DecisionJson.line(d2, "test", java.time.Instant.EPOCH)).contains("\"name\":\"a\",\"up\":false");
    }

    @Test
    @Order(3)
    void aCgroupThatCannotBeMadeIsLoggedAndTheVmStillBallooned() throws Exception {
        Path noCgroups = Files.createDirectories(dir.resolve("no-cgroups"));
        List<VmConfig> vms = List.of(new VmConfig("b", guests.get(1).qmpSocket(), -1, 0, -1, "normal", true));
        HostConfig cfg = new HostConfig("static", Duration.ofSeconds(1), 0, 32 * MIB, 0, null, false, 20, true, 64 * MIB, vms);
        List<String> ev = new CopyOnWriteArrayList<>();
        loop.close(); // the monitor serves one client at a time
        try (ManagerLoop other = new ManagerLoop(cfg, PolicyRegistry.create("static", PolicyConfig.defaults()), PolicyConfig.defaults(),
                new HostPaths(Path.of("/proc"), Path.of("/sys/kernel/mm/ksm"), noCgroups, Path.of("/sys/kernel/mm/damon/admin")), d -> { }, ev::add)) {
            Decision d = other.step();
            assertThat(d.samples()).containsOnlyKeys("b");
            assertThat(d.errors()).isEmpty();
            assertThat(ev).anyMatch(e -> e.startsWith("vm b: managed without a memory cgroup") && e.contains(noCgroups.toString()));
            assertThat(d.cgroups()).as("no cgroup, nothing to set").isEmpty();
            assertThat(d.failures()).isEmpty();
        }
    }
}
