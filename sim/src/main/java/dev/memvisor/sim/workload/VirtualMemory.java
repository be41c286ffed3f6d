package dev.memvisor.sim.workload;

/** What a workload may ask of the guest that runs it: give back virtual pages it no longer uses. */
public interface VirtualMemory {
    /** Frees the application's virtual pages {@code [fromVpn, toVpn)}: resident ones return to the free list. */
    void release(int fromVpn, int toVpn);
}
