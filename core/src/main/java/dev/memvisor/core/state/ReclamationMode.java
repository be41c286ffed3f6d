package dev.memvisor.core.state;

import dev.memvisor.core.model.HostMemoryState;

/**
 * What a host memory state lets the host do, as one value: page sharing always; ballooning from
 * soft; compression and hypervisor swapping from hard; blocking VMs above target in low (ESXi 6's
 * variant: {@link MemoryStateModel#mode}).
 * Source: Waldspurger, OSDI 2002, section 6.1; vSphere Resource Management guide (compression before swap).
 *
 * @param sharing     page sharing may scan (every state)
 * @param ballooning  balloons may inflate
 * @param compression pages may be compressed
 * @param swapping    the hypervisor may swap guest memory
 * @param blocking    VMs above their target are blocked from allocating
 */
public record ReclamationMode(boolean sharing, boolean ballooning, boolean compression, boolean swapping,
                              boolean blocking) {

    /** What {@code state} allows. */
    public static ReclamationMode of(HostMemoryState state) {
        return new ReclamationMode(true, state.allowsBallooning(), state.allowsSwapping(), state.allowsSwapping(),
                state.blocksAllocations());
    }
}
