package dev.memvisor.qemu.manager;

import dev.memvisor.qemu.collect.MemInfo;

/**
 * What a host's VMs weigh against its memory at one observation or check: what the observed VMs
 * consume, how many were observed (each has the policy's per-VM overhead set aside), and what VMs
 * alive but not observed still hold. Loads of several groups of VMs (libvirt's domains, host.yaml's
 * QEMUs) add up, and free memory follows from the sum by one formula ({@link FreeMemory#of}).
 *
 * @param usedBytes   what the observed VMs consume
 * @param observedVms how many VMs were observed
 * @param heldBytes   what VMs alive but not observed (or not managed) still hold
 */
public record VmLoad(long usedBytes, int observedVms, long heldBytes) {
    /** No VMs. */
    public static final VmLoad NONE = new VmLoad(0, 0, 0);

    /** The load of both groups together. */
    public VmLoad plus(VmLoad o) {
        return new VmLoad(usedBytes + o.usedBytes, observedVms + o.observedVms, heldBytes + o.heldBytes);
    }

    /**
     * Free memory under this load.
     *
     * @param budgetBytes   the guests' budget, or 0 for the host's memory
     * @param overheadPerVm the policy's per-VM overhead
     * @param mem           the host's meminfo (read only without a budget; may be null with one)
     */
    public FreeMemory free(long budgetBytes, long overheadPerVm, MemInfo mem) {
        return FreeMemory.of(budgetBytes, usedBytes, overheadPerVm * observedVms, heldBytes, mem);
    }
}
