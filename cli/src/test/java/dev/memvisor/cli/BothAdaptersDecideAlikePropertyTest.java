package dev.memvisor.cli;

import dev.memvisor.core.control.Action;
import dev.memvisor.core.control.ControlDecision;
import dev.memvisor.core.control.Controller;
import dev.memvisor.core.control.HostAdapter;
import dev.memvisor.core.control.Trigger;
import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.model.VmView;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.policy.PolicyRegistry;
import dev.memvisor.qemu.act.QmpBalloon;
import dev.memvisor.qemu.manager.FakeProc;
import dev.memvisor.qemu.manager.FakeQemu;
import dev.memvisor.qemu.manager.HostConfig;
import dev.memvisor.qemu.manager.ManagerLoop;
import dev.memvisor.qemu.manager.RealHost;
import dev.memvisor.qemu.manager.VmConfig;
import dev.memvisor.sim.engine.Simulation;
import dev.memvisor.sim.scenario.ScenarioLoader;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12: the simulator and the QEMU host are two adapters of one control loop, so the same host
 * views through both give the same bounded plans and the same actions, and each adapter carries out
 * every one of them. Over random hosts (VM settings and states, machine and free memory, several
 * decisions in a row, so stateful policies and the "send only what changed" rule are exercised) and
 * every policy. The QEMU side is the real manager's host and controller ({@link ManagerLoop}) over
 * fake QEMU guests (QMP peers and /proc files) that record what QEMU was told; the simulated side is a
 * {@link Simulation} of the same VMs with the controller it builds ({@link Controller#of}). Each side
 * decides on the views given here, not on what it would observe itself: observations differ by
 * design (a page-level model against /proc and QMP); deciding, bounding and acting must not.
 */
class BothAdaptersDecideAlikePropertyTest {
    private static final long MIB = 1L << 20;
    private static final long INTERVAL_MS = 2000;

    /**
     * One VM's settings, and its state in each of the views: balloon, granted, consumed and active in
     * per mille of what each may be, the first view's drawn at random and each next one a few per mille
     * away (so a plan may move by less than a MiB, which both adapters must send alike).
     */
    record Vm(long configuredMib, int reservationPercent, int limitPercent, String shares, boolean ballooning, List<int[]> states) {}

    /** A host: its VMs, and machine memory and free percent for each view. */
    record Host(List<Vm> vms, long machineMib, List<Integer> freePercents) {}

    @Provide
    Arbitrary<String> policies() {
        return Arbitraries.of(PolicyRegistry.names());
    }

    @Provide
    Arbitrary<Host> hosts() {
        int views = 4;
        Arbitrary<int[]> first = Arbitraries.integers().between(0, 1000).array(int[].class).ofSize(4);
        Arbitrary<int[]> step = Arbitraries.integers().between(-5, 5).array(int[].class).ofSize(4);
        Arbitrary<List<int[]>> state = Combinators.combine(first, step.list().ofSize(views - 1)).as((f, steps) -> {
            List<int[]> out = new ArrayList<>(List.of(f));
            for (int[] d : steps) {
                int[] prev = out.get(out.size() - 1), next = new int[4];
                for (int j = 0; j < 4; j++) next[j] = Math.max(0, Math.min(1000, prev[j] + d[j]));
                out.add(next);
            }
            return out;
        });
        Arbitrary<Vm> vm = Combinators.combine(
                Arbitraries.longs().between(2, 16).map(x -> x * 64),
                Arbitraries.integers().between(0, 60),
                Arbitraries.integers().between(40, 100),
                Arbitraries.of("low", "normal", "high", "1500"),
                Arbitraries.integers().between(0, 4).map(x -> x > 0),
                state).as(Vm::new);
        return Combinators.combine(vm.list().ofMinSize(1).ofMaxSize(4), Arbitraries.longs().between(256, 6144),
                Arbitraries.integers().between(0, 30).list().ofSize(views)).as(Host::new);
    }

    @Property(tries = 40)
    void theSameViewsGiveTheSamePlansAndActions(@ForAll("policies") String policy, @ForAll("hosts") Host host) throws Exception {
        Path dir = Files.createTempDirectory("memvisor-adapters");
        List<FakeQemu> guests = new ArrayList<>();
        try {
            List<VmSettings> settings = new ArrayList<>();
            for (int i = 0; i < host.vms().size(); i++) settings.add(settings("vm" + i, host.vms().get(i)));
            PolicyConfig pc = PolicyConfig.defaults();

            // the simulated host: a Simulation of the same VMs, and the controller it builds for itself
            Simulation sim = new Simulation(ScenarioLoader.parse(scenario(policy, settings), "adapters.yaml", dir, List.of()));
            Controller simController = Controller.of(PolicyRegistry.create(policy, pc), pc, INTERVAL_MS, 0);

            // the QEMU host: the manager's own host and controller over fake QEMU guests
            FakeProc proc = new FakeProc(dir.resolve("proc"));
            List<VmConfig> configs = new ArrayList<>();
            for (int i = 0; i < settings.size(); i++) {
                VmSettings s = settings.get(i);
                FakeQemu g = new FakeQemu(proc, dir, s.name(), 1000 + i, s.configuredBytes(), s.configuredBytes() / 2);
                guests.add(g);
                configs.add(new VmConfig(s.name(), g.socket(), s.configuredBytes(), s.reservationBytes(),
                        s.limitBytes(), host.vms().get(i).shares(), s.ballooning()));
            }
            HostConfig cfg = new HostConfig(policy, Duration.ofMillis(INTERVAL_MS), Duration.ofMillis(250), 0, 32 * MIB, 0,
                    HostConfig.DEFAULT_METRICS_ADDRESS, Duration.ofMillis(500), null, false, 20, false, 0, configs);
            try (ManagerLoop loop = new ManagerLoop(cfg, PolicyRegistry.create(policy, pc), pc, proc.paths(), d -> { }, e -> { })) {
                RealHost qemu = loop.host();
                qemu.observe(0); // connects to every fake QEMU, as the manager's first observation does
                Controller qemuController = loop.controller();
                for (int k = 0; k < host.freePercents().size(); k++) {
                    HostView view = view(host, settings, k);
                    long now = k * INTERVAL_MS;
                    ControlDecision s = simController.decide(given(view, sim::apply), now, Trigger.INTERVAL);
                    ControlDecision q = qemuController.decide(given(view, qemu::apply), now, Trigger.INTERVAL);
                    assertThat(q.bounded()).as("bounded plan, view %d", k).isEqualTo(s.bounded());
                    assertThat(q.actions()).as("actions, view %d", k).isEqualTo(s.actions());
                    assertThat(s.failures()).as("the simulated host carries out every action").isEmpty();
                    assertThat(q.failures()).as("the QEMU host carries out every action").isEmpty();
                    for (Action a : q.actions()) {
                        if (!(a instanceof Action.Balloon b)) continue;
                        FakeQemu g = guests.get(Integer.parseInt(b.vm().substring(2)));
                        long want = QmpBalloon.guestBytes(g.configuredBytes, b.balloonBytes());
                        assertThat(g.balloonCommands).as("QEMU told %s for %s", want, b).isNotEmpty();
                        assertThat(g.balloonCommands.get(g.balloonCommands.size() - 1)).isEqualTo(want);
                    }
                }
            }
        } finally {
            for (FakeQemu g : guests) g.close();
            dev.memvisor.qemu.launch.RunDirectory.delete(dir);
        }
    }

    /** An adapter that observes {@code view} and carries actions out through {@code apply}. */
    private static HostAdapter given(HostView view, java.util.function.Consumer<Action> apply) {
        return new HostAdapter() {
            @Override public HostView observe(long nowMillis) { return view; }

            @Override public void apply(Action action) { apply.accept(action); }
        };
    }

    private static VmSettings settings(String name, Vm v) {
        long c = v.configuredMib() * MIB;
        long res = c * v.reservationPercent() / 100 / MIB * MIB;
        long limit = Math.max(res, c * v.limitPercent() / 100 / MIB * MIB);
        long shares = switch (v.shares()) {
            case "low" -> dev.memvisor.core.model.SharesLevel.LOW.sharesFor(c);
            case "normal" -> dev.memvisor.core.model.SharesLevel.NORMAL.sharesFor(c);
            case "high" -> dev.memvisor.core.model.SharesLevel.HIGH.sharesFor(c);
            default -> Long.parseLong(v.shares());
        };
        return new VmSettings(name, c, res, limit, shares, v.ballooning());
    }

    /** The k-th view: each VM's balloon, granted, consumed and active memory in per mille of what each may be. */
    private static HostView view(Host h, List<VmSettings> settings, int k) {
        List<VmView> vms = new ArrayList<>();
        for (int i = 0; i < settings.size(); i++) {
            VmSettings s = settings.get(i);
            int[] st = h.vms().get(i).states().get(k);
            long c = s.configuredBytes();
            long balloon = s.ballooning() ? c * 65 / 100 * st[0] / 1000 / 4096 * 4096 : 0;
            long granted = (c - balloon) * st[1] / 1000 / 4096 * 4096;
            long consumed = granted * st[2] / 1000 / 4096 * 4096;
            long active = granted * st[3] / 1000 / 4096 * 4096;
            vms.add(new VmView(s, granted, consumed, balloon, 0, 0, active, VmView.UNKNOWN, VmView.UNKNOWN));
        }
        long machine = h.machineMib() * MIB;
        return new HostView(k * INTERVAL_MS, machine, machine * h.freePercents().get(k) / 100, 32 * MIB, vms);
    }

    /** A scenario of the same VMs on a host large enough to hold them, for the simulated adapter. */
    private static String scenario(String policy, List<VmSettings> settings) {
        StringBuilder b = new StringBuilder("seed: 1\nduration: 10s\nsampleInterval: 1s\nstep: 100ms\npolicy: {name: " + policy + "}\n"
                + "host:\n  memory: 8G\n  cores: 2\nvms:\n");
        for (VmSettings s : settings) {
            b.append(String.format(Locale.ROOT, "  - name: %s%n    memory: %dM%n    reservation: %dM%n    limit: %dM%n    shares: %d%n"
                            + "    ballooning: %s%n    guest: {osMemory: 16M}%n    workload: {workingSet: 16M, refsPerSecond: 1000}%n",
                    s.name(), s.configuredBytes() / MIB, s.reservationBytes() / MIB, s.limitBytes() / MIB, s.shares(), s.ballooning()));
        }
        return b.toString();
    }
}
