package dev.memvisor.core.policy.esx;

import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.model.VmView;

import java.util.List;

/**
 * How far balloons deflate in the high state, where the host has memory to spare: the free memory
 * above the fraction to keep free, less what balloons already deflating will hand back anyway, and less
 * the headroom of every growing VM below its entitlement (what it may still grow into without any balloon moving:
 * min(target, what it sees) - what it holds), goes back
 * to the ballooned VMs as the share-based allocation with the idle memory tax splits it (each VM's
 * present memory is its floor, so no balloon grows). Guests then fill what they get back and free
 * memory settles at that fraction instead of falling through soft, so the host does not swing
 * between inflating and deflating. Holding back the headroom keeps a steady ramp from swinging the balloons:
 * memory a growing VM is entitled to but does not use yet is not lent to ballooned VMs beyond their own
 * entitlement, to be taken back an interval later when the VM grows into it (issue 11, item 5); when the VM
 * stops growing its headroom is lent again, and when it goes idle (its entitlement falls with the idle tax) or
 * leaves, the allocation itself deflates the others. A VM holding steady below its target (idle, or not using
 * its reservation) does not keep the others ballooned.
 * The balloon driver deflates at its own rate toward the result.
 * Source: Waldspurger, OSDI 2002, sections 3 and 6.1 (ballooning follows the allocation targets, each VM
 * entitled to its share-based target with the idle memory tax; only the soft and lower states reclaim).
 */
final class BalloonRelaxation {
    private final IdleMemoryTax tax;

    /** Relaxation splitting spare memory with {@code tax}. */
    BalloonRelaxation(IdleMemoryTax tax) {
        this.tax = tax;
    }

    /**
     * The balloon each VM may shrink to now.
     *
     * @param view          the host now
     * @param settled       per VM, the memory it will withhold from the guest (balloon, and unplugged memory
     *                      with a virtio-mem device) once deflations already ordered are done (at most what it withholds now)
     * @param entitled      per VM, its target from the share-based allocation
     * @param growing       per VM, whether it holds more than at the last decision: only a growing VM's headroom is
     *                      held back (a VM that holds steady below its target, idle or not using its reservation, lends it)
     * @param keepFree      free fraction of machine memory to keep (EsxPolicy: halfway between soft and high)
     * @return per VM what to withhold, between 0 and {@code settled}
     */
    long[] relax(HostView view, long[] settled, long[] entitled, boolean[] growing, double keepFree) {
        List<VmView> vms = view.vms();
        int n = vms.size();
        long[] out = settled.clone();
        long inFlight = 0, headroom = 0;
        for (int i = 0; i < n; i++) {
            VmView vm = vms.get(i);
            inFlight += vm.withheldBytes() - settled[i];
            long sees = vm.settings().configuredBytes() - settled[i];
            if (growing[i]) headroom += Math.max(0, Math.min(entitled[i], sees) - vm.grantedBytes());
        }
        long spare = view.freeBytes() - (long) Math.ceil(keepFree * view.machineBytes()) - inFlight - headroom;
        if (spare <= 0) return out;
        int[] idx = new int[n];
        int m = 0;
        for (int i = 0; i < n; i++) if (settled[i] > 0) idx[m++] = i;
        if (m == 0) return out;
        long[] shares = new long[m], active = new long[m], floor = new long[m], ceiling = new long[m];
        long supply = spare;
        for (int j = 0; j < m; j++) {
            VmView vm = vms.get(idx[j]);
            VmSettings s = vm.settings();
            shares[j] = s.shares();
            active[j] = vm.activeBytes();
            ceiling[j] = s.ceilingBytes();
            floor[j] = Math.min(ceiling[j], s.configuredBytes() - settled[idx[j]]);
            supply += floor[j];
        }
        long[] visible = tax.allocate(supply, shares, active, floor, ceiling).targets();
        for (int j = 0; j < m; j++) {
            int i = idx[j];
            long b = vms.get(i).settings().configuredBytes() - visible[j];
            out[i] = Math.max(0, Math.min(settled[i], b));
        }
        return out;
    }
}
