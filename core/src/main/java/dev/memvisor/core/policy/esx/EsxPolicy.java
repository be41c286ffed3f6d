package dev.memvisor.core.policy.esx;

import dev.memvisor.core.model.HostMemoryState;
import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.HotplugMemory;
import dev.memvisor.core.model.MemoryThresholds;
import dev.memvisor.core.model.Plan;
import dev.memvisor.core.model.VmPlan;
import dev.memvisor.core.model.VmView;
import dev.memvisor.core.policy.MemoryPolicy;
import dev.memvisor.core.policy.MemorySplit;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.policy.PolicyName;
import dev.memvisor.core.policy.SharingScanRate;
import dev.memvisor.core.state.HostStateMachine;
import dev.memvisor.core.state.ReclamationMode;
import dev.memvisor.core.unit.Size;

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
 * <p>A VM with a virtio-mem device grows past its plugged memory by plugging whole blocks, and gives
 * memory back by ballooning as any VM; a reclaim that is large and lasting moves into unplugged memory:
 * once the balloon has held at least one device block at every decision for {@code esxUnplugAfter},
 * its whole blocks are unplugged (the balloon keeps the remainder of less than a block). The balloon
 * stays the quick, fine-grained mechanism the guest answers at once; unplugging gives the guest a
 * smaller MemTotal, so its own sizing (page cache, heuristics) follows, and frees QEMU's region.
 */
@PolicyName("esx")
public final class EsxPolicy implements MemoryPolicy {
    private final PolicyConfig config;
    private final IdleMemoryTax tax;
    private final HostStateMachine states;
    private final BalloonRelaxation relaxation;
    /** What the last plan withheld per VM name (balloon, and unplugged memory): a balloon still deflating toward it is not counted twice. */
    private final Map<String, Long> lastBalloonTarget = new HashMap<>();
    /** What each VM held (granted) at the last decision, per VM name: a VM holding more now is growing. */
    private final Map<String, Long> lastGranted = new HashMap<>();
    /** Per VM with a virtio-mem device, since when (ms) its balloon has held at least one block, for the unplug rule. */
    private final Map<String, Long> balloonedSince = new HashMap<>();

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
            ordered[i] = lastBalloonTarget.getOrDefault(vm.name(), vm.withheldBytes());
        }
        long[] balloons = new long[n];
        if (!mode.ballooning() && !mode.swapping()) {
            // High (and clear): no new inflation; deflate to the allocation's balloon, or further as spare memory allows.
            // An inflation a lower state ordered and the driver has not finished goes on up to the allocation's balloon:
            // cancelling it because the host climbed back to high (on the memory it already reclaimed) would have the
            // next soft state order it again, a reversal at every crossing during a steady ramp (issue 11, item 5).
            long[] settled = new long[n];
            for (int i = 0; i < n; i++) settled[i] = Math.min(view.vms().get(i).withheldBytes(), ordered[i]);
            boolean[] growing = new boolean[n];
            for (int i = 0; i < n; i++) {
                VmView vm = view.vms().get(i);
                growing[i] = vm.grantedBytes() > lastGranted.getOrDefault(vm.name(), Long.MAX_VALUE);
            }
            long[] relaxed = relaxation.relax(view, settled, alloc.targets(), growing, relaxedFreeFraction(t));
            for (int i = 0; i < n; i++) balloons[i] = Math.min(relaxed[i] < settled[i] ? relaxed[i] : ordered[i], wanted[i]);
        } else if (!mode.ballooning()) {
            // ESXi 6's hard and low: the balloon stops where it was sent; compression and swap close the rest of the gap.
            for (int i = 0; i < n; i++) balloons[i] = Math.min(wanted[i], ordered[i]);
        } else {
            // Soft and lower: the whole gap to every target.
            balloons = wanted;
        }
        List<VmPlan> plans = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            VmView vm = view.vms().get(i);
            lastBalloonTarget.put(vm.name(), Math.max(0, balloons[i]));
            lastGranted.put(vm.name(), vm.grantedBytes());
            plans.add(planFor(vm, alloc.targets()[i], alloc.reasons()[i], mode, Math.max(0, balloons[i]), view.timeMillis()));
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

    /**
     * What the guest must give up of its configured memory to fit its target: a balloon up to ESX's 65 %
     * cap, and with a virtio-mem device also its whole region unplugged.
     */
    private long wantedBalloon(VmView vm, long target) {
        long configured = vm.settings().configuredBytes();
        long cap = vm.settings().ballooning() ? (long) (config.maxBalloonFraction() * configured) : 0;
        if (vm.hotplug() != null) {
            cap = vm.hotplug().maxPluggedBytes() + (vm.settings().ballooning() ? (long) (config.maxBalloonFraction() * vm.hotplug().bootBytes()) : 0);
        }
        return Math.max(0, Math.min(configured - target, cap));
    }

    /**
     * The VM's plan: {@code withheld} (balloon, or unplugged memory and a balloon) and, in the hard and
     * low states, host swap and blocking for what the guest still holds above its target.
     */
    private VmPlan planFor(VmView vm, long target, String reason, ReclamationMode mode, long withheld, long nowMillis) {
        long visible = vm.settings().configuredBytes() - withheld;
        MemorySplit m = MemorySplit.of(vm, visible, false);
        HotplugMemory h = vm.hotplug();
        if (h != null) {
            long least = MemorySplit.of(vm, visible, true).pluggedBytes();
            long plugged;
            if (unplugDue(vm, m.balloonBytes(), nowMillis)) {
                plugged = least;
                if (plugged < m.pluggedBytes()) {
                    reason = reason + "; balloon " + Size.format(m.balloonBytes()) + " held " + config.esxUnplugAfter().toSeconds()
                            + " s: unplug " + Size.format(m.pluggedBytes() - plugged);
                }
            } else {
                // what the balloon cannot hold (beyond maxBalloonFraction of the boot memory) is unplugged at once
                long cap = vm.settings().ballooning() ? (long) (config.maxBalloonFraction() * h.bootBytes()) : 0;
                plugged = Math.max(least, Math.min(m.pluggedBytes(), h.roundDown(visible + cap - h.bootBytes())));
                if (plugged < m.pluggedBytes()) reason = reason + "; beyond the balloon's reach: unplug " + Size.format(m.pluggedBytes() - plugged);
            }
            m = new MemorySplit(plugged, Math.max(0, h.bootBytes() + plugged - visible));
        }
        long balloon = vm.settings().ballooning() ? m.balloonBytes() : 0;
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
        return new VmPlan(vm.name(), target, balloon, swap, mode.compression(), block, reason, m.pluggedBytes(), false);
    }

    /**
     * The unplug rule: whether this VM's balloon of {@code balloonBytes} (what it would hold with the device
     * kept as it is) has been at least one device block at every decision for {@code esxUnplugAfter}.
     */
    private boolean unplugDue(VmView vm, long balloonBytes, long nowMillis) {
        long after = config.esxUnplugAfter().toMillis();
        if (after <= 0 || balloonBytes < vm.hotplug().blockBytes()) {
            balloonedSince.remove(vm.name());
            return false;
        }
        long since = balloonedSince.computeIfAbsent(vm.name(), k -> nowMillis);
        return nowMillis - since >= after;
    }
}
