package dev.memvisor.sim.scenario;

/** The hypervisor's per-VM compression cache (ESX 4.1+). */
public final class CompressionSpec {
    /** Whether pages are compressed before they are swapped, when the plan allows it. */
    public boolean enabled = true;
    /** Fraction of pages that shrink to 2 KB or less and so are kept compressed. */
    public double compressibleFraction = 0.5;
    /** Largest compression cache as a fraction of the VM's configured memory (ESX: 10 %). */
    public double maxFraction = 0.10;
    /** Cost of decompressing one page on access. */
    public String latency = "20us";
}
