package dev.memvisor.core.model;

/**
 * What a policy wants for one VM.
 *
 * @param name               the VM's name
 * @param targetBytes        the machine memory the VM should have (its allocation target)
 * @param balloonTargetBytes the balloon size to reach (0 deflates it)
 * @param swapTargetBytes    how much of the VM the hypervisor should have swapped or compressed at
 *                           least; the host swaps out up to it and never forces pages back in
 * @param compressionAllowed whether pages may be compressed before they are swapped
 * @param blockAllocations   whether the VM's new allocations are held until it is back at target
 * @param reason             why this target: the bound that set it, or the VM's shares-per-page
 * @param pluggedTargetBytes how much memory the VM's virtio-mem device should have plugged, or {@link #KEEP}
 *                           to leave the device as it is (and for a VM without one)
 * @param throttle           whether the host holds the VM near its target by reclaiming what it holds above it,
 *                           as it allocates and at once, without a hard stop (cgroup v2 memory.high; senpai's way):
 *                           an allocation is slowed, never refused
 */
public record VmPlan(String name, long targetBytes, long balloonTargetBytes, long swapTargetBytes,
                     boolean compressionAllowed, boolean blockAllocations, String reason, long pluggedTargetBytes,
                     boolean throttle) {

    /** The plugged size of a plan that leaves the virtio-mem device as it is. */
    public static final long KEEP = -1;

    /** Validates that every size is non-negative (the plugged size may be {@link #KEEP}). */
    public VmPlan {
        if (targetBytes < 0 || balloonTargetBytes < 0 || swapTargetBytes < 0) {
            throw new IllegalArgumentException("negative size in plan for " + name + ": target=" + targetBytes
                    + " balloon=" + balloonTargetBytes + " swap=" + swapTargetBytes);
        }
        if (pluggedTargetBytes < KEEP) throw new IllegalArgumentException("pluggedTargetBytes for " + name + ": " + pluggedTargetBytes);
    }

    /** A plan that leaves a virtio-mem device as it is and does not throttle. */
    public VmPlan(String name, long targetBytes, long balloonTargetBytes, long swapTargetBytes,
                  boolean compressionAllowed, boolean blockAllocations, String reason) {
        this(name, targetBytes, balloonTargetBytes, swapTargetBytes, compressionAllowed, blockAllocations, reason, KEEP, false);
    }

    /** A copy with this balloon and plugged size. */
    public VmPlan withMemory(long balloonBytes, long pluggedBytes) {
        return new VmPlan(name, targetBytes, balloonBytes, swapTargetBytes, compressionAllowed, blockAllocations, reason, pluggedBytes, throttle);
    }
}
