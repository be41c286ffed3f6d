package dev.memvisor.sim.workload;

/** What a workload may ask of the guest that runs it: give back virtual pages it no longer uses, and whether memory is plentiful. */
public interface VirtualMemory {
    /** Frees the application's virtual pages {@code [fromVpn, toVpn)}: resident ones return to the free list. */
    void release(int fromVpn, int toVpn);

    /** Whether the guest signals plenty of available memory (Windows' high-memory resource notification). */
    default boolean memoryHigh() { return true; }
}
