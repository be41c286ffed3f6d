package dev.memvisor.core.policy.esx;

import dev.memvisor.core.InvalidSettingException;
import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.model.VmView;
import dev.memvisor.core.unit.Size;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Share-based allocation with the idle memory tax (Waldspurger, OSDI 2002, sections 4 and 5).
 * A VM's shares-per-page ratio is rho = S / (P * (f + k * (1 - f))) with S its shares, P its pages,
 * f its active fraction and k = 1 / (1 - tau) the cost of an idle page. When demand exceeds supply,
 * memory is reclaimed from the VM with the lowest rho first; done continuously this ends where every
 * VM not held by a bound has the same rho, which is what {@link #allocate} computes directly
 * (water-filling over a piecewise-linear cost). Reservation and min(limit, configured) bound each
 * target. With tau = 0 every page costs the same and the split is proportional to shares.
 */
public final class IdleMemoryTax {
    /** ESX's default tax rate: an idle page costs four active ones. */
    public static final double DEFAULT_TAU = 0.75;

    private final double tau;
    private final double k;

    /** A tax of rate {@code tau} in [0, 1). */
    public IdleMemoryTax(double tau) {
        if (!(tau >= 0 && tau < 1)) throw new InvalidSettingException("idleTax", tau, "a number in [0, 1)");
        this.tau = tau;
        this.k = 1 / (1 - tau);
    }

    /** The tax rate tau. */
    public double tau() { return tau; }

    /** The idle page cost k = 1 / (1 - tau). */
    public double idleCost() { return k; }

    /**
     * Shares per MiB, rho = S / (P * (f + k (1 - f))), for a VM holding {@code allocatedBytes} of
     * which {@code activeBytes} are active; infinite for a VM holding nothing.
     */
    public double sharesPerMib(long shares, long allocatedBytes, long activeBytes) {
        double cost = cost(allocatedBytes, Math.min(activeBytes, allocatedBytes));
        return cost <= 0 ? Double.POSITIVE_INFINITY : shares / (cost / Size.MIB);
    }

    /** P * (f + k (1 - f)) with f = active / P: active pages count once, idle pages k times. */
    private double cost(double p, double active) {
        return Math.min(p, active) + k * Math.max(0, p - active);
    }

    /** The pages (bytes) whose cost is {@code y}: the inverse of {@link #cost}. */
    private double inverseCost(double y, double active) {
        return y <= active ? y : active + (y - active) / k;
    }

    /** Targets for every VM of the view, sharing the memory available to VMs. */
    public Allocation allocate(HostView view) {
        List<VmView> vms = view.vms();
        int n = vms.size();
        long[] shares = new long[n], active = new long[n], floor = new long[n], ceiling = new long[n];
        for (int i = 0; i < n; i++) {
            VmSettings s = vms.get(i).settings();
            shares[i] = s.shares();
            active[i] = vms.get(i).activeBytes();
            floor[i] = s.reservationBytes();
            ceiling[i] = s.ceilingBytes();
        }
        Allocation a = allocate(view.availableForVmsBytes(), shares, active, floor, ceiling);
        String[] reasons = a.reasons();
        for (int i = 0; i < n; i++) {
            VmSettings s = vms.get(i).settings();
            if (reasons[i].equals(CEILING)) {
                reasons[i] = s.limitBytes() < s.configuredBytes() ? "limit " + Size.format(s.limitBytes())
                        : "configured " + Size.format(s.configuredBytes());
            } else if (reasons[i].equals(FLOOR)) {
                reasons[i] = "reservation " + Size.format(s.reservationBytes());
            }
        }
        return a;
    }

    private static final String CEILING = "ceiling";
    private static final String FLOOR = "floor";

    /**
     * Shares {@code availableBytes} among VMs given as parallel arrays: shares, active bytes,
     * floor (reservation) and ceiling (min of limit and configured). Reasons are "ceiling",
     * "floor" or the VM's final rho.
     */
    public Allocation allocate(long availableBytes, long[] shares, long[] activeBytes, long[] floor, long[] ceiling) {
        int n = shares.length;
        if (activeBytes.length != n || floor.length != n || ceiling.length != n) {
            throw new IllegalArgumentException("arrays of different lengths");
        }
        long[] target = new long[n];
        double[] rho = new double[n];
        String[] reason = new String[n];
        double[] act = new double[n];
        long sumFloor = 0, sumCeiling = 0;
        for (int i = 0; i < n; i++) {
            if (shares[i] <= 0) throw new IllegalArgumentException("shares must be > 0, got " + shares[i]);
            if (floor[i] < 0 || floor[i] > ceiling[i]) {
                throw new IllegalArgumentException("need 0 <= floor <= ceiling, got " + floor[i] + " > " + ceiling[i]);
            }
            act[i] = Math.max(0, Math.min(activeBytes[i], ceiling[i]));
            sumFloor += floor[i];
            sumCeiling += ceiling[i];
        }
        if (sumCeiling <= availableBytes) {
            // Memory to spare: every VM may have its ceiling.
            for (int i = 0; i < n; i++) {
                target[i] = ceiling[i];
                reason[i] = CEILING;
                rho[i] = sharesPerMib(shares[i], target[i], (long) act[i]);
            }
            return new Allocation(target, rho, reason, Double.NaN, false);
        }
        if (sumFloor >= availableBytes) {
            // Reservations take everything (admission control should have prevented this).
            for (int i = 0; i < n; i++) {
                target[i] = floor[i];
                reason[i] = FLOOR;
                rho[i] = sharesPerMib(shares[i], target[i], (long) act[i]);
            }
            return new Allocation(target, rho, reason, Double.NaN, true);
        }
        double t = solveLevel(availableBytes, shares, act, floor, ceiling);
        double[] fraction = new double[n];
        long sum = 0;
        for (int i = 0; i < n; i++) {
            double want = inverseCost(shares[i] * t, act[i]);
            if (want >= ceiling[i]) {
                target[i] = ceiling[i];
                reason[i] = CEILING;
            } else if (want <= floor[i]) {
                target[i] = floor[i];
                reason[i] = FLOOR;
            } else {
                target[i] = (long) Math.floor(want);
                fraction[i] = want - target[i];
            }
            sum += target[i];
        }
        distributeRoundingBytes(availableBytes - sum, target, fraction, ceiling, reason);
        for (int i = 0; i < n; i++) {
            rho[i] = sharesPerMib(shares[i], target[i], (long) act[i]);
            if (reason[i] == null) {
                reason[i] = "rho " + threeDigits(rho[i]) + " shares/MiB, active "
                        + Math.round(100 * Math.min(1, act[i] / Math.max(1, target[i]))) + "%";
            }
        }
        return new Allocation(target, rho, reason, Size.MIB / t, true);
    }

    /** About three significant digits, without String.format's cost on the simulator's hot path. */
    static String threeDigits(double v) {
        if (!Double.isFinite(v)) return String.valueOf(v);
        if (v >= 100) return Long.toString(Math.round(v));
        double scale = v >= 10 ? 10 : v >= 1 ? 100 : 1000;
        if (v < 0.1) return String.format(Locale.ROOT, "%.3g", v);
        return Double.toString(Math.round(v * scale) / scale);
    }

    /** Flooring loses under one byte per VM: hand those bytes back, largest fractional part first. */
    private static void distributeRoundingBytes(long spare, long[] target, double[] fraction, long[] ceiling, String[] reason) {
        int n = target.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(fraction[b], fraction[a]));
        for (int j = 0; j < n && spare > 0; j++) {
            int i = order[j];
            if (reason[i] == null && fraction[i] > 0 && target[i] < ceiling[i]) {
                target[i]++;
                spare--;
            }
        }
    }

    /**
     * The cost level t (bytes of cost per share) at which the clamped inverse costs sum to
     * {@code available}; the sum is piecewise linear in t, so it is found exactly between breakpoints.
     */
    private double solveLevel(long available, long[] shares, double[] act, long[] floor, long[] ceiling) {
        int n = shares.length;
        double[] breaks = new double[3 * n];
        for (int i = 0; i < n; i++) {
            breaks[3 * i] = cost(floor[i], act[i]) / shares[i];
            breaks[3 * i + 1] = Math.max(floor[i], Math.min(act[i], ceiling[i])) / (double) shares[i];
            breaks[3 * i + 2] = cost(ceiling[i], act[i]) / shares[i];
        }
        Arrays.sort(breaks);
        // F is nondecreasing: binary-search the first breakpoint where it reaches the supply (O(n log n)).
        int lo = 0, hi = breaks.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (total(breaks[mid], shares, act, floor, ceiling) >= available) hi = mid;
            else lo = mid + 1;
        }
        double tHi = breaks[hi], fHi = total(tHi, shares, act, floor, ceiling);
        if (hi == 0) return tHi;
        double tLo = breaks[hi - 1], fLo = total(tLo, shares, act, floor, ceiling);
        if (fHi == fLo) return tHi;
        return tLo + (available - fLo) * (tHi - tLo) / (fHi - fLo);
    }

    private double total(double t, long[] shares, double[] act, long[] floor, long[] ceiling) {
        double sum = 0;
        for (int i = 0; i < shares.length; i++) {
            sum += Math.max(floor[i], Math.min(ceiling[i], inverseCost(shares[i] * t, act[i])));
        }
        return sum;
    }

    /**
     * The result of one allocation, as parallel arrays in the order of the input.
     *
     * @param targets    bytes per VM
     * @param rho        each VM's shares per MiB at its target
     * @param reasons    why each target: the bound that set it or the VM's rho
     * @param levelRho   the common rho of VMs not held by a bound (NaN when nothing was reclaimed)
     * @param overcommitted whether demand exceeded supply
     */
    public record Allocation(long[] targets, double[] rho, String[] reasons, double levelRho, boolean overcommitted) {}
}
