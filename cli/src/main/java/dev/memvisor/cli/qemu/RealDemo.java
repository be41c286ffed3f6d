package dev.memvisor.cli.qemu;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memvisor.core.policy.MemoryPolicy;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.policy.PolicyRegistry;
import dev.memvisor.core.unit.Size;
import dev.memvisor.core.control.Trigger;
import dev.memvisor.qemu.collect.KsmStats;
import dev.memvisor.qemu.image.GuestImage;
import dev.memvisor.qemu.image.GuestImageBuilder;
import dev.memvisor.qemu.launch.Guest;
import dev.memvisor.qemu.launch.GuestLauncher;
import dev.memvisor.qemu.launch.GuestSpec;
import dev.memvisor.qemu.manager.Decision;
import dev.memvisor.qemu.manager.DecisionJson;
import dev.memvisor.qemu.manager.HostConfig;
import dev.memvisor.qemu.manager.HostPaths;
import dev.memvisor.qemu.manager.ManagerLoop;
import dev.memvisor.qemu.manager.VmConfig;
import dev.memvisor.qemu.manager.VmSample;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The real part of {@code memvisor demo}: four identical small QEMU guests (one busy, three idle,
 * one of the idle ones with a reservation) under the esx policy. Phase 1 has room: KSM merges the
 * idle guests' identical pages. Phase 2 lowers the budget below the guests' total right after an
 * interval: the loop's state check sees free memory fall and decides before the next interval;
 * balloons take memory, from idle guests first, never below the reservation. Everything started is stopped.
 */
public final class RealDemo {
    private static final long MIB = Size.MIB;
    private static final long GUEST = 192 * MIB;
    private static final long RESERVATION = 160 * MIB;
    private static final Duration INTERVAL = Duration.ofSeconds(2);
    private static final int PHASE1 = 12;
    private static final int PHASE2 = 15;

    /** Runs the demo, writing to {@code out}; returns the exit status. */
    public int run(PrintWriter out, PrintWriter err) {
        if (!PolicyRegistry.names().contains("esx")) {
            err.println("memvisor demo: the esx policy is not in this build (policies: " + PolicyRegistry.names() + ")");
            return 1;
        }
        Path cache = Path.of(System.getenv().getOrDefault("MEMVISOR_IMAGE_DIR",
                System.getProperty("java.io.tmpdir") + "/memvisor-guest-image"));
        err.println("memvisor demo: guest image in " + cache + " (building it if needed)");
        err.flush();
        GuestImage image = GuestImageBuilder.defaults().buildIfNeeded(cache);
        Path run;
        try {
            run = Files.createTempDirectory("memvisor-demo");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        GuestLauncher launcher = new GuestLauncher(image, run, l -> { err.println("memvisor demo: " + l); err.flush(); });
        List<GuestSpec> specs = List.of(
                GuestSpec.idle("busy", GUEST).withWorkload(64 * MIB, 4000, "unique"),
                GuestSpec.idle("idle1", GUEST).withWorkload(24 * MIB, 0, "same"),
                GuestSpec.idle("idle2", GUEST).withWorkload(24 * MIB, 0, "same"),
                GuestSpec.idle("reserved", GUEST).withWorkload(24 * MIB, 0, "same"));
        boolean ksm = KsmStats.available(KsmStats.SYSFS);
        List<Guest> guests = new ArrayList<>();
        try {
            err.println("memvisor demo: starting 4 guests of " + Size.format(GUEST) + " in " + run);
            err.flush();
            guests.addAll(launcher.startAll(specs, Duration.ofSeconds(180)));
            List<VmConfig> vms = new ArrayList<>();
            for (Guest g : guests) {
                vms.add(new VmConfig(g.name(), g.qmpSocket(), GUEST, g.name().equals("reserved") ? RESERVATION : 0, -1, "normal", true));
            }
            long roomy = 4 * GUEST + 4 * 32 * MIB;
            long tight = 500 * MIB;
            HostConfig cfg = new HostConfig("esx", INTERVAL, roomy, 32 * MIB, 0, null, true, 20, false, 0, vms);
            // a faster sharing scan than ESX's 200 pages/s, so sharing shows within the demo's minute
            PolicyConfig policyConfig = PolicyConfig.builder().sharingScanPagesPerSecond(25_000).build();
            MemoryPolicy policy = PolicyRegistry.create("esx", policyConfig);
            ObjectMapper json = new ObjectMapper();
            List<Decision> phase1 = new ArrayList<>(), phase2 = new ArrayList<>();
            long[] lowered = {-1}; // System.nanoTime() when the budget was lowered
            int[] intervals = {0};
            AtomicBoolean stop = new AtomicBoolean();
            ManagerLoop[] loop = new ManagerLoop[1];
            // the loop's own schedule and state checks drive the demo; each decision is shown as it is made
            Consumer<Decision> show = d -> {
                (lowered[0] < 0 ? phase1 : phase2).add(d);
                boolean interval = d.trigger() == Trigger.INTERVAL;
                if (interval) intervals[0]++;
                boolean lastOfPhase = interval && (intervals[0] == PHASE1 || intervals[0] == PHASE1 + PHASE2);
                showDecision(d, out, json, lastOfPhase, lowered[0]);
                if (interval && intervals[0] == PHASE1) {
                    out.println("== phase 2: budget " + Size.format(tight) + " (below the guests' " + Size.format(4 * GUEST)
                            + "): balloons reclaim, idle guests first; 'reserved' keeps " + Size.format(RESERVATION));
                    out.flush();
                    loop[0].setBudget(tight);
                    lowered[0] = System.nanoTime();
                }
                if (intervals[0] >= PHASE1 + PHASE2) stop.set(true);
            };
            // closing the loop puts KSM's settings back as they were
            try (ManagerLoop l = new ManagerLoop(cfg, policy, policyConfig, HostPaths.system(), show,
                    e -> { err.println("memvisor demo: " + e); err.flush(); })) {
                loop[0] = l;
                out.println("== phase 1: budget " + Size.format(roomy) + " (room for all): the guests idle, KSM merges identical pages");
                l.run(stop);
            }
            return summarize(out, phase1, phase2, lowered[0]);
        } finally {
            guests.forEach(Guest::close);
            if (System.getenv("MEMVISOR_DEBUG") == null) dev.memvisor.qemu.launch.RunDirectory.delete(run);
            out.println("stopped " + guests.size() + " guests" + (ksm ? "; KSM settings restored" : ""));
            out.flush();
        }
    }

    private static void showDecision(Decision d, PrintWriter out, ObjectMapper json, boolean table, long lowered) {
        StringBuilder b = new StringBuilder(String.format("t=%3ds %-4s free %-6s ksm sharing %6d pages |",
                d.view().timeMillis() / 1000, d.plan().state(), Size.format(d.view().freeBytes()), d.ksmPagesSharing()));
        for (var e : d.samples().entrySet()) {
            b.append(String.format(" %s %s (SHRD %s)", e.getKey(), Size.format(e.getValue().actualBytes()), Size.format(e.getValue().sharedBytes())));
        }
        if (d.trigger() == Trigger.STATE) {
            b.append(String.format(" <- state change seen between intervals%s",
                    lowered >= 0 ? String.format(", %.0f ms after the budget was lowered", (d.startNanos() - lowered) / 1e6) : ""));
        }
        out.println(b);
        if (table) {
            try {
                out.print(TopScreen.render(json.readTree(DecisionJson.line(d, "esx", Instant.now()))));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        out.flush();
    }

    private static int summarize(PrintWriter out, List<Decision> phase1, List<Decision> phase2, long lowered) {
        long sharingStart = phase1.get(0).ksmPagesSharing(), sharingEnd = phase1.get(phase1.size() - 1).ksmPagesSharing();
        Map<String, VmSample> last = phase2.get(phase2.size() - 1).samples();
        long busy = GUEST - last.get("busy").actualBytes();
        long idle = Math.max(GUEST - last.get("idle1").actualBytes(), GUEST - last.get("idle2").actualBytes());
        long minReserved = phase2.stream().mapToLong(d -> d.samples().get("reserved").actualBytes()).min().orElse(0);
        out.println("== summary");
        boolean ok = true;
        ok &= check(out, sharingEnd > sharingStart, "KSM sharing rose while idle: " + sharingStart + " -> " + sharingEnd + " pages");
        ok &= check(out, idle > busy, "idle guests ballooned more than the busy one: idle " + Size.format(idle) + ", busy " + Size.format(busy));
        ok &= check(out, minReserved >= RESERVATION, "'reserved' never below its reservation " + Size.format(RESERVATION)
                + ": lowest " + Size.format(minReserved));
        // the fall is acted on before the next interval when the first decision of phase 2 is a state-triggered one
        Decision firstTight = phase2.get(0);
        ok &= check(out, firstTight.trigger() == Trigger.STATE, "the fall below soft was decided on before the next interval: "
                + firstTight.trigger().label() + " decision " + String.format("%.0f ms", (firstTight.startNanos() - lowered) / 1e6)
                + " after the budget was lowered (interval " + INTERVAL.toMillis() + " ms)");
        List<Decision> all = new ArrayList<>(phase1);
        all.addAll(phase2);
        // CPU per regular interval: a state decision in between takes part of the interval's share
        List<Decision> regular = all.stream().filter(d -> d.trigger() == Trigger.INTERVAL).toList();
        double cpuMs = regular.stream().skip(2).mapToLong(Decision::managerCpuNanos).sorted()
                .skip((regular.size() - 2) / 2).findFirst().orElse(0) / 1e6;
        String reaction = phase2.stream().filter(d -> d.plan().state() != dev.memvisor.core.model.HostMemoryState.HIGH
                && d.balloonSentNanos() >= 0).findFirst().map(d -> String.format("%.1f ms (trigger %s: seen after %.1f ms, collection -> sent %.1f ms)",
                        (d.startNanos() + d.balloonSentNanos() - lowered) / 1e6, d.trigger().label(),
                        (d.startNanos() - lowered) / 1e6, d.balloonSentNanos() / 1e6)).orElse("none sent");
        out.println("  manager CPU per interval (median, 4 guests): " + String.format("%.0f ms", cpuMs)
                + "; free below soft -> balloon targets sent: " + reaction);
        return ok ? 0 : 1;
    }

    private static boolean check(PrintWriter out, boolean ok, String what) {
        out.println((ok ? "  ok      " : "  NOT MET ") + what);
        return ok;
    }
}
