package dev.memvisor.qemu.act;

import dev.memvisor.core.control.Action;

/**
 * What a VM's memory cgroup carries for one {@link Action.HostReclaim}: how the plan's hypervisor-swap
 * target and its "block allocations" flag (host state low) become cgroup limits.
 * <ul>
 *   <li>{@code headroom} (no swap target, not blocked): limit = target + headroom, no throttle;
 *       the balloon reclaims, the limit only stops a runaway QEMU.</li>
 *   <li>{@code swap} (swap target &gt; 0): limit = target + per-VM overhead, so the host swaps the
 *       VM's memory above its granted target out, without the guest's knowledge (ESX hypervisor swapping).</li>
 *   <li>{@code block} (blockAllocations): as swap, plus the throttle (v2 memory.high, v1 soft limit)
 *       at the target, so allocations above it are held and reclaimed at once (ESX state low).</li>
 * </ul>
 * Source: Waldspurger, "Memory Resource Management in VMware ESX Server" (OSDI 2002), section 6.
 *
 * @param mode       headroom, swap or block
 * @param limitBytes the hard limit (v2 memory.max, v1 memory.limit_in_bytes)
 * @param highBytes  the throttle (v2 memory.high, v1 memory.soft_limit_in_bytes); Long.MAX_VALUE = none
 */
public record CgroupSetting(String mode, long limitBytes, long highBytes) {
    /** No throttle. */
    public static final long NONE = Long.MAX_VALUE;

    /**
     * The setting for a VM's host-reclaim action.
     *
     * @param headroomBytes QEMU's memory allowed above the target when the host does not swap the VM
     * @param overheadBytes QEMU's own memory (the policy's per-VM overhead) added to the target when it does
     */
    public static CgroupSetting of(Action.HostReclaim reclaim, long headroomBytes, long overheadBytes) {
        long target = reclaim.targetBytes();
        if (reclaim.blockAllocations()) return new CgroupSetting("block", saturatedAdd(target, overheadBytes), saturatedAdd(target, overheadBytes));
        if (reclaim.swapTargetBytes() > 0) return new CgroupSetting("swap", saturatedAdd(target, overheadBytes), NONE);
        return new CgroupSetting("headroom", saturatedAdd(target, headroomBytes), NONE);
    }

    private static long saturatedAdd(long a, long b) {
        return a > Long.MAX_VALUE - b ? Long.MAX_VALUE : a + b;
    }
}
