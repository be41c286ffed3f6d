package dev.memvisor.sim.workload;

/**
 * What a workload may ask of the guest that runs it: give back virtual pages it no longer uses, trim resident pages
 * whose data it keeps, and whether memory is plentiful.
 */
public interface VirtualMemory {
    /** Frees the application's virtual pages {@code [fromVpn, toVpn)}: resident ones return to the free list, their data gone. */
    void release(int fromVpn, int toVpn);

    /**
     * Takes up to {@code count} of the application's resident pages below virtual page {@code toVpn} off it, the
     * highest first, keeping their data where they are backed (an anonymous page goes to the guest's swap, a file page
     * is dropped from the page cache): a later reference faults it back at that backing's cost. Returns how many.
     */
    int trim(int toVpn, int count);

    /** Pages the application has resident. */
    int residentPages();

    /** Whether the guest signals plenty of available memory (Windows' high-memory resource notification). */
    default boolean memoryHigh() { return true; }
}
