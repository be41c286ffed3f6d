package dev.memvisor.core.policy.esx;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Differential test: the closed-form allocation against the paper's procedure done literally,
 * one page at a time: while demand exceeds supply, take a page from the VM with the lowest rho
 * that is still above its reservation.
 */
class IdleMemoryTaxDifferentialTest {

    /** The literal procedure over whole pages (unit = 1 "page" of 1 byte here, sizes are small). */
    static long[] pageByPage(double tau, long available, long[] shares, long[] active, long[] floor, long[] ceiling) {
        IdleMemoryTax tax = new IdleMemoryTax(tau);
        int n = shares.length;
        long[] p = ceiling.clone();
        long sum = java.util.Arrays.stream(p).sum();
        while (sum > available) {
            int victim = -1;
            double lowest = Double.POSITIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                if (p[i] <= floor[i]) continue;
                // rho after taking the page: the VM whose rho stays lowest loses it (ties: first VM)
                double rho = tax.sharesPerMib(shares[i], p[i], Math.min(active[i], ceiling[i]));
                if (rho < lowest) {
                    lowest = rho;
                    victim = i;
                }
            }
            p[victim]--;
            sum--;
        }
        return p;
    }

    @Property(tries = 300)
    void theClosedFormMatchesReclaimingFromTheLowestRhoPageByPage(
            @ForAll @DoubleRange(min = 0, max = 0.9) double tau,
            @ForAll @Size(min = 1, max = 5) List<@IntRange(min = 1, max = 50) Integer> shareList,
            @ForAll @LongRange(min = 1, max = 200) long seed) {
        int n = shareList.size();
        long[] shares = new long[n], active = new long[n], floor = new long[n], ceiling = new long[n];
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        long sumFloor = 0, sumCeiling = 0;
        for (int i = 0; i < n; i++) {
            shares[i] = shareList.get(i);
            ceiling[i] = 50L + rng.nextInt(400);
            floor[i] = rng.nextInt(3) == 0 ? rng.nextLong(ceiling[i] / 2) : 0;
            active[i] = rng.nextLong(ceiling[i] + 1);
            sumFloor += floor[i];
            sumCeiling += ceiling[i];
        }
        long available = sumFloor + rng.nextLong(sumCeiling - sumFloor + 1);
        long[] literal = pageByPage(tau, available, shares, active, floor, ceiling);
        long[] closed = new IdleMemoryTax(tau).allocate(available, shares, active, floor, ceiling).targets();
        for (int i = 0; i < n; i++) {
            // Whole pages against an exact split: they agree to within a page per VM plus one for ties.
            assertThat(Math.abs(closed[i] - literal[i])).as("vm %d of %d", i, n).isLessThanOrEqualTo(n + 1);
        }
    }
}
