package dev.memvisor.measure.cpu;

import dev.memvisor.measure.FileFormatException;
import dev.memvisor.measure.pdh.CounterPath;
import dev.memvisor.measure.pdh.CounterSelector;
import dev.memvisor.measure.pdh.PdhCsvFile;
import dev.memvisor.measure.series.IntervalSeries;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a guest's own CPU accounting from a perfmon/typeperf/relog export: {@code Processor(_Total)\% Processor Time},
 * the {@code Processor(N)} instances (to count vCPUs) and {@code Process(*)\% Processor Time}
 * ({@code _Total} and {@code Idle} left out; {@code name#N} instances kept apart).
 */
public final class PerfmonGuestReader {
    private PerfmonGuestReader() {}

    /** Reads {@code file}. */
    public static GuestCpu read(Path file) {
        try (PdhCsvFile f = PdhCsvFile.open(file)) {
            List<CounterPath> cols = f.columns();
            int total = -1;
            int processors = 0;
            List<Integer> procCols = new ArrayList<>();
            CounterSelector cpu = CounterSelector.parse("Processor(*)\\% Processor Time");
            CounterSelector proc = CounterSelector.parse("Process(*)\\% Processor Time");
            for (int i = 0; i < cols.size(); i++) {
                CounterPath p = cols.get(i);
                if (cpu.matches(p)) {
                    if (p.instance().equals("_Total")) total = i;
                    else processors++;
                } else if (proc.matches(p) && !p.instance().equals("_Total") && !p.instance().equalsIgnoreCase("Idle")) {
                    procCols.add(i);
                }
            }
            if (total < 0) throw new FileFormatException(file, 1, "a 'Processor(_Total)\\% Processor Time' column (the guest's total CPU), found none");
            int[] sel = new int[procCols.size() + 1];
            sel[0] = total;
            for (int k = 0; k < procCols.size(); k++) sel[k + 1] = procCols.get(k);
            long[][] t = {new long[256]};
            double[][] v = new double[sel.length][256];
            int[] n = {0};
            f.stream(sel, (time, values, line) -> {
                if (n[0] == t[0].length) {
                    t[0] = Arrays.copyOf(t[0], n[0] * 2);
                    for (int k = 0; k < v.length; k++) v[k] = Arrays.copyOf(v[k], n[0] * 2);
                }
                t[0][n[0]] = time;
                for (int k = 0; k < sel.length; k++) v[k][n[0]] = values[k];
                n[0]++;
            });
            long[] times = Arrays.copyOf(t[0], n[0]);
            for (int i = 1; i < times.length; i++) {
                if (times[i] <= times[i - 1]) throw new FileFormatException(file, i + 2, "a time after the previous row's, got one that is not");
            }
            Map<String, IntervalSeries> processes = new LinkedHashMap<>();
            for (int k = 1; k < sel.length; k++) processes.put(cols.get(sel[k]).instance(), new IntervalSeries(times, Arrays.copyOf(v[k], n[0])));
            return new GuestCpu(new IntervalSeries(times, Arrays.copyOf(v[0], n[0])), processors, processes);
        }
    }
}
