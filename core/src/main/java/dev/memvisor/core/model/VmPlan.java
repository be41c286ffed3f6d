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
 */
public record VmPlan(String name, long targetBytes, long balloonTargetBytes, long swapTargetBytes,
                     boolean compressionAllowed, boolean blockAllocations, String reason) {

    /** Validates that every size is non-negative. */
    public VmPlan {
        if (targetBytes < 0 || balloonTargetBytes < 0 || swapTargetBytes < 0) {
            throw new IllegalArgumentException("negative size in plan for " + name + ": target=" + targetBytes
                    + " balloon=" + balloonTargetBytes + " swap=" + swapTargetBytes);
        }
    }
}
