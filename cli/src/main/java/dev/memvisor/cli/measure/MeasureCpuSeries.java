package dev.memvisor.cli.measure;

import dev.memvisor.measure.cpu.GuestCpu;
import dev.memvisor.measure.series.IntervalSeries;
import dev.memvisor.qemu.cpu.CpuRecording;
import dev.memvisor.qemu.cpu.GuestCpuInterval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a recording of a real guest (qemu/cpu) into the series the correction takes (measure/cpu): the host's
 * vCPU time and the guest's own figures, the guest's boot-clock times mapped onto the host clock.
 *
 * @param host       vCPU threads' CPU per host interval, % of one processor
 * @param guest      the guest's busy % (per processor) and per-process % of one processor
 * @param processors processors the guest counted (0 without intervals)
 * @param idleProcesses processes left out because they used no CPU in the whole recording
 */
record MeasureCpuSeries(IntervalSeries host, GuestCpu guest, int processors, int idleProcesses) {

    static MeasureCpuSeries of(CpuRecording r) {
        long offset = r.bootOffsetMillis();
        List<GuestCpuInterval> iv = r.guestIntervals();
        long[] ends = new long[iv.size()];
        double[] busy = new double[iv.size()];
        int processors = 0;
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < ends.length; i++) {
            GuestCpuInterval g = iv.get(i);
            ends[i] = g.endMillis() + offset;
            busy[i] = g.busyPct();
            processors = Math.max(processors, g.processors());
            names.addAll(g.processPct().keySet());
        }
        Map<String, IntervalSeries> procs = new LinkedHashMap<>();
        int idle = 0;
        for (String n : names) {
            double[] v = new double[ends.length];
            Arrays.fill(v, Double.NaN);
            double sum = 0;
            for (int i = 0; i < ends.length; i++) {
                Double p = iv.get(i).processPct().get(n);
                if (p != null) { v[i] = p; sum += p; }
            }
            // Kernel threads and sleeping daemons would fill the table with zeros.
            if (sum > 0) procs.put(n, new IntervalSeries(ends, v));
            else idle++;
        }
        return new MeasureCpuSeries(new IntervalSeries(r.hostEnds(), r.hostPct()), new GuestCpu(new IntervalSeries(ends, busy), processors, procs),
                processors, idle);
    }

    /** The guest's process names in order (for messages). */
    List<String> processNames() {
        return new ArrayList<>(guest.processes().keySet());
    }
}
