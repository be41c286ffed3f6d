package dev.memvisor.fleet.placement;

import dev.memvisor.fleet.model.FleetVm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Places VMs on a given number of hosts: first-fit-decreasing into bins of one capacity, the
 * capacity found by bisection as the smallest at which FFD fits every VM into the hosts
 * (MULTIFIT: Coffman, Garey and Johnson, "An application of bin-packing to multiprocessor
 * scheduling", SIAM J. Computing 7(1), 1978). The capacity may exceed the host's memory: that
 * is the overcommit the simulation then judges. A VM larger than the capacity takes a host of its
 * own (as in {@link #binsNeeded}), so one huge VM does not set the capacity of every other host.
 * Deterministic: ties go to the earlier VM.
 */
public final class Multifit {
    private Multifit() {}

    /** Places {@code vms} on at most {@code hosts} hosts, packing by {@code size}. */
    public static Placement place(List<FleetVm> vms, int hosts, ToLongFunction<FleetVm> size) {
        if (hosts < 1) throw new IllegalArgumentException("hosts: got " + hosts + ", expected at least 1");
        List<FleetVm> sorted = decreasing(vms, size);
        long total = 0, largest = 0;
        for (FleetVm v : sorted) {
            total += size.applyAsLong(v);
            largest = Math.max(largest, size.applyAsLong(v));
        }
        long lo = 1;
        // FFD always fits at average + largest: a VM that fit nowhere would find every host above the average
        long hi = (total + hosts - 1) / hosts + largest;
        int[] best = ffd(sorted, hosts, hi, size);
        long bestCap = hi;
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            int[] at = ffd(sorted, hosts, mid, size);
            if (at != null) {
                best = at;
                bestCap = mid;
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return new Placement(group(sorted, best, hosts), bestCap);
    }

    /** How many hosts of {@code capacity} first-fit-decreasing needs (a VM larger than a host gets one of its own). */
    public static int binsNeeded(List<FleetVm> vms, long capacity, ToLongFunction<FleetVm> size) {
        List<Long> loads = new ArrayList<>();
        for (FleetVm v : decreasing(vms, size)) {
            long s = size.applyAsLong(v);
            int i = 0;
            while (i < loads.size() && loads.get(i) + s > capacity) i++;
            if (i == loads.size()) loads.add(s);
            else loads.set(i, loads.get(i) + s);
        }
        return loads.size();
    }

    private static List<FleetVm> decreasing(List<FleetVm> vms, ToLongFunction<FleetVm> size) {
        List<FleetVm> sorted = new ArrayList<>(vms);
        sorted.sort(Comparator.comparingLong(size).reversed().thenComparingInt(FleetVm::order));
        return sorted;
    }

    /** FFD of {@code sorted} into {@code hosts} bins of {@code capacity}: the bin of each VM, or null when one does not fit. */
    private static int[] ffd(List<FleetVm> sorted, int hosts, long capacity, ToLongFunction<FleetVm> size) {
        long[] load = new long[hosts];
        int[] at = new int[sorted.size()];
        for (int k = 0; k < sorted.size(); k++) {
            long s = size.applyAsLong(sorted.get(k));
            int i = 0;
            if (s > capacity) {
                while (i < hosts && load[i] > 0) i++; // too big for any bin: an empty host of its own
            } else {
                while (i < hosts && load[i] + s > capacity) i++;
            }
            if (i == hosts) return null;
            load[i] += s;
            at[k] = i;
        }
        return at;
    }

    private static List<List<FleetVm>> group(List<FleetVm> sorted, int[] at, int hosts) {
        List<List<FleetVm>> out = new ArrayList<>();
        for (int h = 0; h < hosts; h++) out.add(new ArrayList<>());
        for (int k = 0; k < sorted.size(); k++) out.get(at[k]).add(sorted.get(k));
        List<List<FleetVm>> used = new ArrayList<>();
        for (List<FleetVm> h : out) {
            if (h.isEmpty()) continue;
            h.sort(Comparator.comparingInt(FleetVm::order));
            used.add(List.copyOf(h));
        }
        return List.copyOf(used);
    }
}
