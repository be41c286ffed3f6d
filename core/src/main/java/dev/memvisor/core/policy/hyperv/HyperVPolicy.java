package dev.memvisor.core.policy.hyperv;

import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.Plan;
import dev.memvisor.core.model.VmPlan;
import dev.memvisor.core.model.VmView;
import dev.memvisor.core.policy.GuestUsage;
import dev.memvisor.core.policy.MemorySplit;
import dev.memvisor.core.policy.MemoryPolicy;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.policy.PolicyName;
import dev.memvisor.core.state.HostStateMachine;
import dev.memvisor.core.unit.Size;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Hyper-V Dynamic Memory (Microsoft, "Hyper-V Dynamic Memory Configuration Guide"): each VM wants
 * its committed memory plus a buffer; memory pressure = committed / visible x 100. VMs whose free
 * share is below their buffer grow, highest weight first; when the host is short, memory is taken
 * back by ballooning, lowest weight first: first what VMs hold above their need, then down to
 * their minimum. Mapping: minimum = reservation, maximum = min(limit, configured),
 * startup = configured, weight = shares; a VM without a balloon driver (integration services)
 * keeps a static size. No page sharing and no hypervisor swapping. A VM with a virtio-mem device
 * acts as Hyper-V's hot-add does: startup = its boot memory, growing plugs whole blocks, and shrinking
 * unplugs them (the balloon holds less than a block), so the guest's MemTotal follows its need
 * ({@link MemorySplit}).
 */
@PolicyName("hyperv")
public final class HyperVPolicy implements MemoryPolicy {
    private final PolicyConfig config;

    /** Creates the policy (stateless). */
    public HyperVPolicy(PolicyConfig config) {
        this.config = config;
    }

    @Override
    public Plan decide(HostView view) {
        List<VmView> vms = view.vms();
        int n = vms.size();
        long[] min = new long[n], max = new long[n], need = new long[n], target = new long[n], committed = new long[n];
        String[] reason = new String[n];
        long sum = 0, growth = 0;
        for (int i = 0; i < n; i++) {
            VmView vm = vms.get(i);
            min[i] = vm.settings().reservationBytes();
            max[i] = vm.settings().ceilingBytes();
            target[i] = clamp(vm.visibleBytes(), min[i], max[i]);
            // without the driver (and without hot-plug), memory is static
            if (!vm.settings().ballooning() && vm.hotplug() == null) min[i] = max[i] = target[i];
            committed[i] = GuestUsage.usedBytes(vm);
            need[i] = clamp((long) Math.ceil(committed[i] * (1 + config.hypervBufferPercent() / 100.0)), min[i], max[i]);
            sum += target[i];
            growth += Math.max(0, need[i] - target[i]);
            reason[i] = "at need " + Size.format(need[i]) + pressure(committed[i], target[i]);
        }
        long available = view.availableForVmsBytes();
        List<Integer> lowWeightFirst = new ArrayList<>();
        for (int i = 0; i < n; i++) lowWeightFirst.add(i);
        lowWeightFirst.sort(Comparator.<Integer>comparingLong(i -> vms.get(i).settings().shares()).thenComparingInt(i -> i));

        // 1. If growing the VMs under pressure would not fit, take back what others hold above their need.
        long shortfall = sum + growth - available;
        for (int i : lowWeightFirst) {
            if (shortfall <= 0) break;
            long give = Math.min(shortfall, Math.max(0, target[i] - need[i]));
            if (give > 0) {
                target[i] -= give;
                sum -= give;
                shortfall -= give;
                reason[i] = "surplus ballooned, weight " + vms.get(i).settings().shares() + pressure(committed[i], target[i]);
            }
        }
        // 2. Grow VMs whose free share is below their buffer, highest weight first.
        for (int j = n - 1; j >= 0; j--) {
            int i = lowWeightFirst.get(j);
            long grow = Math.min(need[i] - target[i], available - sum);
            if (grow > 0) {
                target[i] += grow;
                sum += grow;
                reason[i] = (target[i] == need[i] ? "grown to need " : "grown toward need ") + Size.format(need[i])
                        + pressure(committed[i], target[i]);
            }
        }
        // 3. Still short: balloon below need, down to the minimum, lowest weight first.
        for (int i : lowWeightFirst) {
            if (sum <= available) break;
            long give = Math.min(sum - available, target[i] - min[i]);
            if (give > 0) {
                target[i] -= give;
                sum -= give;
                reason[i] = (target[i] == min[i] ? "at minimum " + Size.format(min[i]) : "below need")
                        + ", weight " + vms.get(i).settings().shares() + pressure(committed[i], target[i]);
            }
        }
        List<VmPlan> plans = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            VmView vm = vms.get(i);
            MemorySplit m = MemorySplit.of(vm, target[i], true);
            long balloon = vm.settings().ballooning() ? m.balloonBytes() : 0;
            plans.add(new VmPlan(vm.name(), target[i], balloon, 0, false, false, reason[i], m.pluggedBytes(), false));
        }
        return new Plan(view.timeMillis(), HostStateMachine.stateless(view.freeFraction(), config.thresholdsFor(view.machineBytes())), 0, plans);
    }

    private static String pressure(long committed, long visible) {
        return String.format(Locale.ROOT, ", pressure %d%%", visible <= 0 ? 0 : Math.round(100.0 * committed / visible));
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
