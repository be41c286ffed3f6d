package dev.memvisor.sim.engine;

/**
 * Time costs of memory events, in nanoseconds, and the compression cache's shape.
 *
 * @param faultNs               a fault the hypervisor handles (world switch, allocation, zeroing)
 * @param swapNs                a page read from the hypervisor's swap
 * @param decompressNs          a page decompressed from the compression cache
 * @param guestSwapNs           a page read from the guest's own swap
 * @param compressibleFraction  pages that compress to half a page or less
 * @param compressionMaxFraction largest compression cache as a fraction of the VM
 */
public record Costs(double faultNs, double swapNs, double decompressNs, double guestSwapNs,
                    double compressibleFraction, double compressionMaxFraction) {}
