package dev.memvisor.core.policy.esx;

import dev.memvisor.core.model.HostMemoryState;
import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.MemoryThresholds;
import dev.memvisor.core.model.Plan;
import dev.memvisor.core.model.VmPlan;
import dev.memvisor.core.model.VmView;
import dev.memvisor.core.policy.MemoryPolicy;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.policy.PolicyName;
import dev.memvisor.core.policy.SharingScanRate;
import dev.memvisor.core.state.HostStateMachine;
import dev.memvisor.core.state.ReclamationMode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * VMware ESX memory management (Waldspurger, OSDI 2002): targets from shares with the idle memory
 * tax ({@link IdleMemoryTax}), then the host memory state (with hysteresis) decides how the gap
 * between what a VM holds and its target is closed: high (and ESXi 6's clear) = page sharing only, and balloons deflate
 * toward the allocation, handing back free memory above halfway between the soft and high thresholds ({@link BalloonRelaxation});
 * soft = ballooning; hard = also compression and hypervisor swapping of what the balloon
 * has not yet reclaimed; low = also block VMs above their target. Which states there are, and their
 * thresholds, is the {@code memoryStates} setting ({@link dev.memvisor.core.state.MemoryStateModel}). Keeps the host state and the
 * balloon targets it set between calls, so use one instance per host and call it from one thread.
 */
@PolicyName("esx")
public final class EsxPolicy implements MemoryPolicy {
    private final PolicyConfig config;
    private final IdleMemoryTax tax;
    private final HostStateMachine states;
    private final BalloonRelaxation relaxation;
    /** The balloon target last set per VM name: a balloon still deflating toward it is not counted twice. */
    private final Map<String, Long> lastBalloonTarget = new HashMap<>();

    /** Creates the policy; it keeps the host state between calls for hysteresis. */
    public EsxPolicy(PolicyConfig config) {
        this.config = config;
        this.tax = new IdleMemoryTax(config.idleTax());
        this.states = new HostStateMachine(config::thresholdsFor);
        this.relaxation = new BalloonRelaxation(tax);
    }

    @Override
    public Plan decide(HostView view) {
        HostMemoryState state = states.update(view.freeBytes(), view.machineBytes());
        ReclamationMode mode = config.memoryStateModel().mode(state);
        MemoryThresholds t = config.thresholdsFor(view.machineBytes());
        IdleMemoryTax.Allocation alloc = tax.allocate(view);
        int n = view.vms().size();
        long[] wanted = new long[n];
        long[] ordered = new long[n];
        for (int i = 0; i < n; i++) {
            VmView vm = view.vms().get(i);
            wanted[i] = wantedBalloon(vm, alloc.targets()[i]);
            ordered[i] = lastBalloonTarget.getOrDefault(vm.name(), vm.balloonBytes());
        }
        long[] balloons = new long[n];
        if (!mode.ballooning() && !mode.swapping()) {
            // High (and clear): never inflate; deflate to the allocation's balloon, or further as spare memory allows.
            long[] settled = new long[n];
            for (int i = 0; i < n; i++) settled[i] = Math.min(view.vms().get(i).balloonBytes(), ordered[i]);
            long[] relaxed = relaxation.relax(view, settled, relaxedFreeFraction(t));
            for (int i = 0; i < n; i++) balloons[i] = Math.min(relaxed[i], wanted[i]);
        } else if (!mode.ballooning()) {
            // ESXi 6's hard and low: the balloon stops where it was sent; compression and swap close the rest of the gap.
            for (int i = 0; i < n; i++) balloons[i] = Math.min(wanted[i], ordered[i]);
        } else {
            // Soft and lower: the whole gap to every target.
            balloons = wanted;
        }
        List<VmPlan> plans = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            VmPlan p = planFor(view.vms().get(i), alloc.targets()[i], alloc.reasons()[i], mode, balloons[i]);
            lastBalloonTarget.put(p.name(), p.balloonTargetBytes());
            plans.add(p);
        }
        long scan = mode.sharing() ? SharingScanRate.pagesPerSecond(config, view) : 0;
        return new Plan(view.timeMillis(), state, scan, plans);
    }

    /**
     * Free fraction the high state's relaxation keeps: halfway between the soft and high thresholds,
     * so a host in high (which falls to soft only below soft) keeps half the hysteresis band as margin.
     */
    private static double relaxedFreeFraction(MemoryThresholds t) {
        return (t.high() + t.soft()) / 2;
    }

    /** The balloon that holds what the guest must give up to fit its target, up to ESX's 65 % cap. */
    private long wantedBalloon(VmView vm, long target) {
        long configured = vm.settings().configuredBytes();
        return vm.settings().ballooning() ? Math.max(0, Math.min(configured - target, (long) (config.maxBalloonFraction() * configured))) : 0;
    }

    private VmPlan planFor(VmView vm, long target, String reason, ReclamationMode mode, long balloon) {
        long swap = 0;
        long excess = vm.grantedBytes() - target;
        if (mode.swapping()) {
            // Swap (after compression) whatever the guest still holds above target: the balloon is too slow in hard state.
            // A VM below its target may fault its swapped pages back up to its target: a swap target that held
            // everything swapped would have the swapper take a random page (a hot one, as likely as not) for each
            // page the VM faults back, for as long as the host stays in hard.
            swap = Math.max(0, vm.swappedBytes() + vm.compressedBytes() + excess);
        }
        boolean block = mode.blocking() && excess > 0;
        return new VmPlan(vm.name(), target, Math.max(0, balloon), swap, mode.compression(), block, reason);
    }
}
