package dev.memvisor.qemu.manager;

import dev.memvisor.qemu.collect.MemInfo;

/**
 * Free memory and the memory it is a part of, as the policy sees them; one formula for a full
 * observation and for the cheap check between intervals, so both see the same host state.
 * <ul>
 *   <li>With a budget: machine = the budget less what unreachable VMs still hold; free = machine less
 *       what the observed VMs consume and less the per-VM overhead the policy sets aside for each of
 *       them (a VM's consumption counts its guest's memory only, so QEMU's own memory is that
 *       overhead), as the simulator's free memory is its machine memory less the VMs' overhead and
 *       pages. Without the overhead, a host whose VMs sit at their targets would show the overhead as
 *       free memory: the policy, having reclaimed to its targets, would see the host in high and give
 *       the memory back, and a steady ramp would swing between inflating and deflating.</li>
 *   <li>Without one: machine = MemTotal less what unreachable VMs still hold; free = MemAvailable
 *       (which already counts every process).</li>
 * </ul>
 * A VM that is alive but cannot be reached (stopped, hung) is not in the view, so the policy gives it
 * nothing; taking its memory out of machine memory keeps the policy from handing that memory to the
 * others while it still holds it.
 *
 * @param freeBytes    free memory
 * @param machineBytes the memory it is a part of (never 0)
 */
public record FreeMemory(long freeBytes, long machineBytes) {

    /**
     * Free memory of a host.
     *
     * @param budgetBytes the guests' budget, or 0 for the host's memory
     * @param usedBytes   what the observed VMs consume
     * @param overheadBytes the per-VM overhead of the observed VMs (counted with a budget only: without one, MemAvailable has it)
     * @param heldBytes   what VMs alive but not observed still hold
     * @param mem         the host's meminfo, read only without a budget (may be null with one)
     */
    public static FreeMemory of(long budgetBytes, long usedBytes, long overheadBytes, long heldBytes, MemInfo mem) {
        if (budgetBytes > 0) {
            long machine = Math.max(1, budgetBytes - heldBytes);
            return new FreeMemory(Math.max(0, machine - usedBytes - overheadBytes), machine);
        }
        long machine = Math.max(1, mem.totalBytes() - heldBytes);
        return new FreeMemory(Math.min(machine, Math.max(0, mem.availableBytes())), machine);
    }
}
