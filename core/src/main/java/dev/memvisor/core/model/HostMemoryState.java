package dev.memvisor.core.model;

/**
 * Host memory state by free memory and what each allows, numbered as esxtop numbers its "Kernel State"
 * since ESXi 6.0 (0 high, 1 clear, 2 soft, 3 hard, 4 low; {@link #ordinal()} is that number).
 * Classic ESX has four of them (high, soft, hard, low: Waldspurger, "Memory Resource Management in VMware
 * ESX Server", OSDI 2002, section 6); ESXi 6.0 added clear between high and soft (Duncan Epping, "What
 * happens at which vSphere memory state?", Yellow Bricks, 2015), entered only when the thresholds have one.
 */
public enum HostMemoryState {
    /** Plenty of free memory: page sharing only. */
    HIGH(false, false, false),
    /** Below the clear threshold (ESXi 6): page sharing, actively (large pages broken so it can collapse them); nothing else. */
    CLEAR(false, false, false),
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

    /** esxtop's "Kernel State" value of this state (ESXi 6.0 and later). */
    public int kernelState() { return ordinal(); }

    /** The name esxtop shows: {@code high}, {@code clear}, {@code soft}, {@code hard}, {@code low}. */
    public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
}
