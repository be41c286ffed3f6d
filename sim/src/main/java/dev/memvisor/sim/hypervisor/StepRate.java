package dev.memvisor.sim.hypervisor;

/**
 * A rate turned into whole pages per time step, the fraction carried to the next step so that no
 * page is lost to rounding (a balloon at 32 MB/s moves 819.2 pages per 100 ms step: 819, then 820...).
 */
final class StepRate {
    private double carry;

    /** The whole pages of {@code pages} plus what earlier steps left over; keeps the new fraction. */
    long whole(double pages) {
        double x = pages + carry;
        long n = (long) x;
        carry = x - n;
        return n;
    }
}
