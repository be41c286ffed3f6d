package dev.memvisor.core.policy.psi;

import dev.memvisor.core.model.HostMemoryState;
import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.Plan;
import dev.memvisor.core.model.VmPlan;
import dev.memvisor.core.model.VmView;
import dev.memvisor.core.policy.MemoryPolicy;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.policy.PolicyName;
import dev.memvisor.core.policy.esx.IdleMemoryTax;
import dev.memvisor.core.state.HostStateMachine;
import dev.memvisor.core.unit.Size;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Working-set sizing by memory pressure, as Meta's senpai and TMO do it (facebookincubator/senpai,
 * senpai.py; Weiner et al., "TMO: Transparent Memory Offloading in Datacenters", ASPLOS 2022): per VM, a
 * limit on the host memory it may hold is lowered step by step while its memory pressure (the time its
 * threads stall on memory, PSI "some" of its QEMU's cgroup, {@link VmView#memoryStallMicros()}) stays
 * under a target, and backed off when it rises ({@link SenpaiProbe}). The host holds each VM at its limit
 * by reclaiming above it without a hard stop (the plan's {@code throttle}: cgroup v2 memory.high, host
 * swap or compressed swap behind it), so the cold memory of idle guests goes and busy guests keep what
 * they use. The balloon stays deflated: pressure inside the guest is not what the host's PSI sees, so a
 * balloon would shrink a guest past its working set unseen. Reservations and limits bound each limit
 * (starting point: the VM's ceiling); when the limits do not all fit the memory available to VMs, it
 * is split by shares with the idle memory tax, as esx does ({@link IdleMemoryTax}). A VM whose pressure is
 * not observed keeps its ceiling. No page sharing. Keeps one probe per VM between calls: one instance
 * per host, called from one thread.
 */
@PolicyName("psi")
public final class PsiPolicy implements MemoryPolicy {
    private final PolicyConfig config;
    private final IdleMemoryTax tax;
    private final HostStateMachine states;
    private final Map<String, SenpaiProbe> probes = new HashMap<>();

    /** Creates the policy; it keeps a probe per VM between calls. */
    public PsiPolicy(PolicyConfig config) {
        this.config = config;
        this.tax = new IdleMemoryTax(config.idleTax());
        this.states = new HostStateMachine(config.thresholds());
    }

    @Override
    public Plan decide(HostView view) {
        HostMemoryState state = states.update(view.freeBytes(), view.machineBytes());
        List<VmView> vms = view.vms();
        int n = vms.size();
        long[] want = new long[n], floor = new long[n], shares = new long[n], active = new long[n];
        String[] reason = new String[n];
        Set<String> seen = new HashSet<>();
        long sum = 0;
        for (int i = 0; i < n; i++) {
            VmView vm = vms.get(i);
            seen.add(vm.name());
            floor[i] = vm.settings().reservationBytes();
            long ceiling = vm.settings().ceilingBytes();
            shares[i] = vm.settings().shares();
            active[i] = vm.activeBytes();
            long stall = vm.memoryStallMicros();
            if (stall == VmView.UNKNOWN) {
                probes.remove(vm.name());
                want[i] = ceiling;
                reason[i] = "no memory pressure observed: not probed";
            } else {
                SenpaiProbe p = probes.get(vm.name());
                if (p == null || stall < p.lastStallMicros()) {
                    // a new VM, or its QEMU restarted (its stall total began again): start unlimited, at its ceiling.
                    // Senpai starts at the cgroup's memory.current; a VM's QEMU comes to hold nearly all of its guest's
                    // memory anyway, and a guest still booting or filling must not meet a limit before it is probed
                    p = new SenpaiProbe(config, ceiling, stall, view.timeMillis());
                    probes.put(vm.name(), p);
                }
                want[i] = p.tick(stall, view.timeMillis(), floor[i], ceiling);
                reason[i] = "limit " + Size.format(want[i]) + ": " + p.lastAdjustment();
            }
            sum += want[i];
        }
        probes.keySet().retainAll(seen);
        long[] target = want;
        long available = view.availableForVmsBytes();
        if (sum > available) {
            // the limits do not fit: split what there is by shares per page with the idle tax, each within [reservation, its limit]
            IdleMemoryTax.Allocation a = tax.allocate(available, shares, active, floor, want);
            target = a.targets();
            for (int i = 0; i < n; i++) {
                if (target[i] < want[i]) reason[i] = reason[i] + "; by shares " + Size.format(target[i]) + " (host short)";
            }
        }
        List<VmPlan> plans = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            VmView vm = vms.get(i);
            // what the VM holds above its limit is the host's to reclaim (compressed first where the host can)
            long swap = vm.swappedBytes() + vm.compressedBytes() + Math.max(0, vm.grantedBytes() - target[i]);
            plans.add(new VmPlan(vm.name(), target[i], 0, swap, true, false, reason[i], VmPlan.KEEP, true));
        }
        return new Plan(view.timeMillis(), state, 0, plans);
    }
}
