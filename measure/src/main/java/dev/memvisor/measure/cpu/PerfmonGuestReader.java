package dev.memvisor.measure.cpu;

import dev.memvisor.measure.FileFormatException;
import dev.memvisor.measure.ValueRange;
import dev.memvisor.measure.pdh.CounterNames;
import dev.memvisor.measure.pdh.CounterPath;
import dev.memvisor.measure.pdh.CounterSelector;
import dev.memvisor.measure.pdh.PdhCsvFile;
import dev.memvisor.measure.pdh.PerfLanguage;
import dev.memvisor.measure.series.IntervalSeries;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads a guest's own CPU accounting from a perfmon/typeperf/relog export in any language memvisor's
 * counter table knows: {@code Processor(_Total)\% Processor Time}, the {@code Processor(N)} instances (to
 * count vCPUs) and {@code Process(*)\% Processor Time} ({@code _Total} and {@code Idle} left out;
 * {@code name#N} instances kept apart).
 */
public final class PerfmonGuestReader {
    /** The guest's total CPU, as the counter table names it in every language. */
    public static final String TOTAL = "Processor(_Total)\\% Processor Time";
    /** The guest's processes. */
    public static final String PROCESSES = "Process(*)\\% Processor Time";

    private PerfmonGuestReader() {}

    /**
     * How to read the export.
     *
     * @param charset   its encoding, null to detect it
     * @param zone      the zone of its local times, null to take the header's bias
     * @param total     selector of the total CPU column, e.g. {@code Procesor(_Total)\% czasu procesora} for a language the table lacks
     * @param processes selector of the per-process columns
     */
    public record Options(Charset charset, ZoneId zone, String total, String processes) {
        /** Detected encoding, the header's time zone, the table's names. */
        public static final Options DEFAULT = new Options(null, null, TOTAL, PROCESSES);
    }

    /**
     * What was read, and how.
     *
     * @param cpu        the guest's figures (times in UTC, or local times read as UTC when {@code timeSource} is LOCAL)
     * @param timeSource where the UTC times come from
     * @param header     the header's first field as written (its time zone part is what may be localized or cut short)
     * @param charset    the encoding used
     * @param languages  the languages whose names the file's objects are in (English files also match Japanese, which keeps English names)
     */
    public record Export(GuestCpu cpu, PdhCsvFile.TimeSource timeSource, String header, Charset charset, Set<PerfLanguage> languages) {}

    /** Reads {@code file} with the defaults. */
    public static GuestCpu read(Path file) {
        return read(file, Options.DEFAULT).cpu();
    }

    /** Reads {@code file}. */
    public static Export read(Path file, Options options) {
        CounterSelector totalSel = CounterSelector.parse(options.total());
        CounterSelector processorSel = totalSel.withInstance("*");
        CounterSelector procSel = CounterSelector.parse(options.processes());
        try (PdhCsvFile f = PdhCsvFile.open(file, options.charset(), options.zone())) {
            List<CounterPath> cols = f.columns();
            int total = -1;
            int processors = 0;
            List<Integer> procCols = new ArrayList<>();
            for (int i = 0; i < cols.size(); i++) {
                CounterPath p = cols.get(i);
                if (totalSel.matches(p)) {
                    if (total < 0) total = i;
                } else if (processorSel.matches(p)) {
                    processors++;
                } else if (procSel.matches(p) && !p.instance().equalsIgnoreCase("_Total") && !p.instance().equalsIgnoreCase("Idle")) {
                    procCols.add(i);
                }
            }
            if (total < 0) throw noTotal(file, cols, options);
            int[] sel = new int[procCols.size() + 1];
            ValueRange[] ranges = new ValueRange[sel.length];
            sel[0] = total;
            ranges[0] = ValueRange.PERCENT;
            for (int k = 0; k < procCols.size(); k++) {
                sel[k + 1] = procCols.get(k);
                ranges[k + 1] = ValueRange.PERCENT_OF_ONE_PROCESSOR;
            }
            long[][] t = {new long[256]};
            double[][] v = new double[sel.length][256];
            int[] n = {0};
            f.stream(sel, ranges, (time, values, line) -> {
                if (n[0] == t[0].length) {
                    t[0] = Arrays.copyOf(t[0], n[0] * 2);
                    for (int k = 0; k < v.length; k++) v[k] = Arrays.copyOf(v[k], n[0] * 2);
                }
                t[0][n[0]] = time;
                for (int k = 0; k < sel.length; k++) v[k][n[0]] = values[k];
                n[0]++;
            });
            if (n[0] == 0) throw f.noSamples();
            long[] times = Arrays.copyOf(t[0], n[0]);
            for (int i = 1; i < times.length; i++) {
                if (times[i] <= times[i - 1]) throw new FileFormatException(file, i + 2, "a time after the previous row's, got one that is not");
            }
            Map<String, IntervalSeries> processes = new LinkedHashMap<>();
            for (int k = 1; k < sel.length; k++) processes.put(cols.get(sel[k]).instance(), new IntervalSeries(times, Arrays.copyOf(v[k], n[0])));
            GuestCpu cpu = new GuestCpu(new IntervalSeries(times, Arrays.copyOf(v[0], n[0])), processors, processes);
            return new Export(cpu, f.timeSource(), f.headerField(), f.charset(), languages(cols));
        }
    }

    /** The languages all of the file's known objects are named in (several where names coincide), empty if none is known. */
    static Set<PerfLanguage> languages(List<CounterPath> cols) {
        Set<PerfLanguage> common = null;
        for (CounterPath p : cols) {
            if (p == null) continue;
            Set<PerfLanguage> l = CounterNames.languagesOfObject(rawObject(p));
            if (l.isEmpty()) continue;
            if (common == null) common = EnumSet.copyOf(l);
            else common.retainAll(l);
        }
        return common == null ? EnumSet.noneOf(PerfLanguage.class) : common;
    }

    /** The object part as the file writes it (the CounterPath holds it translated). */
    private static String rawObject(CounterPath p) {
        String h = p.raw().trim();
        int machineEnd = h.indexOf('\\', 2);
        int counterStart = h.lastIndexOf('\\');
        String objectPart = h.substring(machineEnd + 1, counterStart);
        int open = objectPart.indexOf('(');
        return open > 0 && objectPart.endsWith(")") ? objectPart.substring(0, open) : objectPart;
    }

    /** No total column: say which objects the file has and, if none is in the counter table, how to get names memvisor reads. */
    private static FileFormatException noTotal(Path file, List<CounterPath> cols, Options options) {
        Set<String> objects = new LinkedHashSet<>();
        boolean anyKnown = false;
        for (CounterPath p : cols) {
            if (p == null) continue;
            String raw = rawObject(p);
            objects.add(raw);
            if (CounterNames.isKnownObject(raw)) anyKnown = true;
        }
        String found = objects.isEmpty() ? "none" : objects.stream().limit(12).collect(Collectors.joining(", ")) + (objects.size() > 12 ? ", ..." : "");
        String expected = "a '" + options.total() + "' column (the guest's total CPU), found none";
        if (anyKnown || objects.isEmpty() || !options.total().equals(TOTAL)) {
            return new FileFormatException(file, 1, expected + "; objects in this file: " + found);
        }
        String languages = Arrays.stream(PerfLanguage.values()).map(PerfLanguage::displayName).collect(Collectors.joining(", "));
        return new FileFormatException(file, 1, expected + ", and none of its objects (" + found + ") is in memvisor's counter table ("
                + languages + "). perfmon, typeperf and relog write counter names in the Windows display language of the user who runs them"
                + " and have no option for English names: export again as a user whose display language is English, or name the columns"
                + " with --guest-total 'Object(_Total)\\Counter' and --guest-process 'Object(*)\\Counter' as this file writes them");
    }
}
