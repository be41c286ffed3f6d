package dev.memvisor.sim.memory;

/**
 * What one VM's page misses cost, in nanoseconds: every mechanism that makes the application wait
 * charges its event here (a fault the hypervisor handles, a hypervisor swap-in, a decompression, a
 * guest swap-in), so the stall of one reference and the hypervisor CPU spent on the VM's behalf
 * are added up in one place. Each event costs a fixed latency from the scenario.
 */
public final class MissCosts {
    private final double faultNs, swapNs, decompressNs, guestSwapNs;
    private double stallNs;
    private double hvCpuNs;
    private double hostSwapWaitNs;

    /**
     * @param faultNs      a fault the hypervisor handles (world switch, allocation, zeroing)
     * @param swapNs       a page read from the hypervisor's swap
     * @param decompressNs a page decompressed from the compression cache
     * @param guestSwapNs  a page read from the guest's own swap
     */
    public MissCosts(double faultNs, double swapNs, double decompressNs, double guestSwapNs) {
        this.faultNs = faultNs;
        this.swapNs = swapNs;
        this.decompressNs = decompressNs;
        this.guestSwapNs = guestSwapNs;
    }

    /** A new miss begins: its stall starts at zero (stalls charged outside a reference are not waited for). */
    public void startMiss() { stallNs = 0; }

    /** The stall charged since the miss began. */
    public double stallNs() { return stallNs; }

    /** Hypervisor CPU spent on the VM's behalf so far (faults it handled, copy-on-write breaks). */
    public double hvCpuNs() { return hvCpuNs; }

    /** The hypervisor handled a fault: allocated, zeroed or copied a page (also a copy-on-write break). */
    public void hostFault() {
        stallNs += faultNs;
        hvCpuNs += faultNs;
    }

    /** A page read back from the hypervisor's swap. */
    public void hostSwapIn() {
        stallNs += swapNs;
        hostSwapWaitNs += swapNs;
    }

    /** Time the VM waited for the hypervisor's swap so far (esxtop %SWPWT). */
    public double hostSwapWaitNs() { return hostSwapWaitNs; }

    /** A page decompressed from the compression cache. */
    public void decompression() { stallNs += decompressNs; }

    /** A page read back from the guest's own swap. */
    public void guestSwapIn() { stallNs += guestSwapNs; }
}
