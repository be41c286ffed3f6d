package dev.memvisor.density.mix;

import dev.memvisor.core.unit.Size;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A guest's workload over time: per step a working set and a rate of operations, repeated; what
 * mvload's {@code memvisor.sched} runs in the guest and the simulator's phases replay.
 *
 * @param workingSetBytes working set per step
 * @param rates           operations a second per step
 */
public record Schedule(long[] workingSetBytes, int[] rates) {
    /** Validates: one entry at least, as many rates as working sets. */
    public Schedule {
        if (workingSetBytes.length == 0 || workingSetBytes.length != rates.length) {
            throw new IllegalArgumentException("a schedule needs as many rates as working sets, at least one");
        }
        workingSetBytes = workingSetBytes.clone();
        rates = rates.clone();
    }

    /** A schedule of one step: this working set at this rate all the time. */
    public static Schedule constant(long workingSetBytes, int rate) {
        return new Schedule(new long[] {workingSetBytes}, new int[] {rate});
    }

    /** Steps before it repeats. */
    public int length() { return rates.length; }

    /** The largest working set. */
    public long maxWorkingSetBytes() {
        return Arrays.stream(workingSetBytes).max().orElse(0);
    }

    /** The mean rate over one period. */
    public double meanRate() {
        return Arrays.stream(rates).average().orElse(0);
    }

    /** The guest's kernel parameters that run it (init.sh hands them to mvload work). */
    public List<String> kernelArgs(long stepSeconds, double cacheOps) {
        StringBuilder b = new StringBuilder("memvisor.sched=");
        for (int i = 0; i < rates.length; i++) {
            if (i > 0) b.append(',');
            b.append(workingSetBytes[i] / Size.KIB).append("K:").append(rates[i]);
        }
        List<String> a = new ArrayList<>();
        a.add(b.toString());
        a.add("memvisor.step=" + stepSeconds);
        a.add("memvisor.cacheops=" + Math.round(cacheOps * 1000));
        return a;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Schedule s && Arrays.equals(workingSetBytes, s.workingSetBytes) && Arrays.equals(rates, s.rates);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(workingSetBytes) + Arrays.hashCode(rates);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < rates.length; i++) b.append(i > 0 ? ", " : "").append(Size.format(workingSetBytes[i])).append(" @ ").append(rates[i]).append("/s");
        return b.toString();
    }
}
