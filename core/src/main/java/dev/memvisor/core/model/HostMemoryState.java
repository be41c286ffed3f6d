package dev.memvisor.core.model;

/**
 * Host memory state by free memory (ESX: high, soft, hard, low) and what each allows.
 * Source: Waldspurger, "Memory Resource Management in VMware ESX Server", OSDI 2002, section 6.
 */
public enum HostMemoryState {
    /** Plenty of free memory: page sharing only. */
    HIGH(false, false, false),
    /** Below the soft threshold: ballooning as well. */
    SOFT(true, false, false),
    /** Below the hard threshold: compression and hypervisor swapping as well. */
    HARD(true, true, false),
    /** Below the low threshold: also block VMs that are above their target. */
    LOW(true, true, true);

    private final boolean ballooning;
    private final boolean swapping;
    private final boolean blocking;

    HostMemoryState(boolean ballooning, boolean swapping, boolean blocking) {
        this.ballooning = ballooning;
        this.swapping = swapping;
        this.blocking = blocking;
    }

    /** Whether this state lets the host inflate balloons. */
    public boolean allowsBallooning() { return ballooning; }

    /** Whether this state lets the host compress and swap guest memory. */
    public boolean allowsSwapping() { return swapping; }

    /** Whether this state blocks allocations of VMs above their target. */
    public boolean blocksAllocations() { return blocking; }
}
