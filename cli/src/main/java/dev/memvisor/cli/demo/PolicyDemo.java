package dev.memvisor.cli.demo;

import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.Plan;
import dev.memvisor.core.model.VmPlan;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.model.VmView;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.policy.PolicyRegistry;
import dev.memvisor.core.policy.esx.IdleMemoryTax;
import dev.memvisor.core.unit.Size;

import java.io.PrintWriter;
import java.util.List;

import static dev.memvisor.core.unit.Size.GIB;
import static dev.memvisor.core.unit.Size.MIB;

/**
 * The policy part of {@code memvisor demo --policies}: one small overcommitted host and every
 * registered policy's plan for it, then the idle memory tax's effect (tau 0 against 0.75).
 */
public final class PolicyDemo {
    /** Widest line the demo prints. */
    static final int MAX_WIDTH = 110;
    private static final int REASON_WIDTH = 58;

    /** The demo host: 16G, four VMs (22G configured), one reserved, two busy and two idle; free memory 2.3 %. */
    public static HostView host() {
        List<VmView> vms = List.of(
                vm(VmSettings.of("db", 6 * GIB).withReservation(4 * GIB), 5632 * MIB, 5 * GIB, 5 * GIB),
                vm(VmSettings.of("web", 4 * GIB), 3584 * MIB, 3 * GIB, 3277 * MIB),
                vm(VmSettings.of("batch", 8 * GIB), 4 * GIB, 512 * MIB, GIB),
                vm(VmSettings.of("dev", 4 * GIB).withLimit(3 * GIB), 2560 * MIB, 128 * MIB, 820 * MIB));
        long overhead = 32 * MIB;
        long granted = vms.stream().mapToLong(VmView::grantedBytes).sum();
        long machine = 16 * GIB;
        return new HostView(0, machine, machine - granted - overhead * vms.size(), overhead, vms);
    }

    private static VmView vm(VmSettings s, long granted, long active, long used) {
        return new VmView(s, granted, granted, 0, 0, 0, active, s.configuredBytes() - used, used);
    }

    /** Runs the demo, writing to {@code out}; returns the exit status. */
    public int run(PrintWriter out, PrintWriter err) {
        HostView host = host();
        printHost(out, host);
        for (String name : PolicyRegistry.names()) {
            printPlan(out, name, PolicyRegistry.create(name, PolicyConfig.defaults()).decide(host));
        }
        printIdleTax(out, host);
        out.flush();
        return 0;
    }

    private static void printHost(PrintWriter out, HostView h) {
        long configured = h.vms().stream().mapToLong(v -> v.settings().configuredBytes()).sum();
        out.printf("Host: %s machine memory, %s for VMs after %s overhead each; %s free (%.1f %%);"
                        + " %s configured%n%n", Size.format(h.machineBytes()), Size.format(h.availableForVmsBytes()),
                Size.format(h.overheadBytesPerVm()), Size.format(h.freeBytes()), 100 * h.freeFraction(),
                Size.format(configured));
        out.printf("%-6s %8s %8s %8s %8s %8s %8s %8s%n", "VM", "config", "reserve", "limit", "shares", "granted",
                "active", "used");
        for (VmView v : h.vms()) {
            VmSettings s = v.settings();
            out.printf("%-6s %8s %8s %8s %8d %8s %8s %8s%n", v.name(), Size.format(s.configuredBytes()),
                    Size.format(s.reservationBytes()), Size.format(s.limitBytes()), s.shares(),
                    Size.format(v.grantedBytes()), Size.format(v.activeBytes()), Size.format(v.guestUsedBytes()));
        }
    }

    private static void printPlan(PrintWriter out, String name, Plan p) {
        out.printf("%nPolicy %s: host state %s, page-sharing scan %d pages/s%n", name,
                p.state().name().toLowerCase(java.util.Locale.ROOT), p.sharingScanPagesPerSecond());
        out.printf("%-6s %8s %8s %8s %4s %5s  %s%n", "VM", "target", "balloon", "swap", "zip", "block", "reason");
        for (VmPlan v : p.vms()) {
            out.printf("%-6s %8s %8s %8s %4s %5s  %s%n", v.name(), Size.format(v.targetBytes()),
                    Size.format(v.balloonTargetBytes()), Size.format(v.swapTargetBytes()),
                    v.compressionAllowed() ? "yes" : "no", v.blockAllocations() ? "yes" : "no", clip(v.reason()));
        }
    }

    private static void printIdleTax(PrintWriter out, HostView h) {
        long[] untaxed = new IdleMemoryTax(0).allocate(h).targets();
        IdleMemoryTax.Allocation taxed = new IdleMemoryTax(IdleMemoryTax.DEFAULT_TAU).allocate(h);
        out.printf("%nIdle memory tax (esx targets): tau 0 splits by shares; tau 0.75 makes idle pages cost 4x%n");
        out.printf("%-6s %8s %10s %10s %9s  %s%n", "VM", "active", "tau=0", "tau=0.75", "change", "reason at 0.75");
        for (int i = 0; i < h.vms().size(); i++) {
            VmView v = h.vms().get(i);
            long change = taxed.targets()[i] - untaxed[i];
            out.printf("%-6s %8s %10s %10s %9s  %s%n", v.name(), Size.format(v.activeBytes()), Size.format(untaxed[i]),
                    Size.format(taxed.targets()[i]), (change < 0 ? "-" : "+") + Size.format(Math.abs(change)),
                    clip(taxed.reasons()[i]));
        }
    }

    private static String clip(String reason) {
        return reason.length() <= REASON_WIDTH ? reason : reason.substring(0, REASON_WIDTH - 3) + "...";
    }
}
