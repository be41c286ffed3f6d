package dev.memvisor.measure.cpu;

import dev.memvisor.measure.FileFormatException;
import dev.memvisor.measure.TextInput;
import dev.memvisor.measure.ValueRange;
import dev.memvisor.measure.pdh.CounterPath;
import dev.memvisor.measure.pdh.CounterSelector;
import dev.memvisor.measure.pdh.CsvRecordReader;
import dev.memvisor.measure.pdh.PdhCsvFile;
import dev.memvisor.measure.series.IntervalSeries;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Reads the host's measurement of one VM's CPU (% of one processor) from an esxtop batch export
 * ({@code Group Cpu(id:NAME)\% Used}) or from a plain CSV: a header, then a timestamp (ISO-8601, UTC if
 * no zone is given, or epoch seconds) and the VM's CPU % per row, one column per VM or a single one.
 */
public final class HostCpuReader {
    private HostCpuReader() {}

    /** What a host file should be, for the error when it is not text. */
    static final String EXPECTED = "a host CPU file (esxtop -b batch CSV, or a CSV 'time,<VM name>...')";
    /** Epoch seconds from 1970 to the end of year 9999: anything else is not a measurement's time. */
    private static final double MAX_EPOCH_SECONDS = 253_402_300_799.0;

    /** Reads VM {@code vm} from {@code file}; {@code esxtopCounter} is the Group Cpu counter to use, e.g. {@code % Used}. */
    public static IntervalSeries read(Path file, String vm, String esxtopCounter) {
        String first;
        TextInput text = TextInput.open(file, null, EXPECTED);
        try (Reader r = text.reader()) {
            char[] head = new char[64];
            int n = r.read(head);
            first = n <= 0 ? "" : new String(head, 0, n);
        } catch (CharacterCodingException e) {
            throw new FileFormatException(file, 1, EXPECTED + ", got bytes that are not text in " + text.charset().name());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        String start = first.replace("\uFEFF", "").stripLeading();
        return start.startsWith("\"(PDH-CSV") || start.startsWith("(PDH-CSV") ? readEsxtop(file, vm, esxtopCounter) : readPlain(file, vm);
    }

    static IntervalSeries readEsxtop(Path file, String vm, String counter) {
        try (PdhCsvFile f = PdhCsvFile.open(file)) {
            if (f.timeSource() != PdhCsvFile.TimeSource.HEADER) {
                throw new FileFormatException(file, 1, "a time-zone bias in the header's first field (esxtop writes '(PDH-CSV 4.0) (UTC)(0)'), got '"
                        + f.headerField() + "'");
            }
            int[] cols = f.select(List.of(CounterSelector.of("Group Cpu", "*", counter)));
            List<Integer> exact = new ArrayList<>();
            for (int c : cols) {
                String inst = f.columns().get(c).instance();
                if (inst.substring(inst.indexOf(':') + 1).equals(vm)) exact.add(c);
            }
            if (exact.size() != 1) {
                TreeSet<String> names = new TreeSet<>();
                for (CounterPath p : f.columns()) {
                    if (p != null && p.object().equals("Vcpu") && p.instance() != null) {
                        String[] parts = p.instance().split(":");
                        if (parts.length >= 4 && parts[3].startsWith("vmx-vcpu-")) names.add(parts[1]);
                    }
                }
                throw new FileFormatException(file, 1, (exact.isEmpty() ? "a 'Group Cpu(id:" + vm + ")\\" + counter + "' column, found none"
                        : "one VM named '" + vm + "', found " + exact.size()) + "; VMs in this file: " + String.join(", ", names));
            }
            List<long[]> t = new ArrayList<>();
            List<Double> v = new ArrayList<>();
            f.stream(new int[] {exact.get(0)}, new ValueRange[] {ValueRange.PERCENT_OF_ONE_PROCESSOR},
                    (time, values, line) -> { t.add(new long[] {time}); v.add(values[0]); });
            if (t.isEmpty()) throw f.noSamples();
            return toSeries(file, t, v);
        }
    }

    static IntervalSeries readPlain(Path file, String vm) {
        try (CsvRecordReader r = new CsvRecordReader(TextInput.open(file, null, EXPECTED).reader(), file)) {
            if (!r.next()) throw new FileFormatException(file, 1, "a header 'time,<VM name>...', got an empty file");
            int col = -1;
            List<String> names = new ArrayList<>();
            for (int i = 1; i < r.fieldCount(); i++) {
                String h = r.field(i).trim();
                names.add(h);
                if (h.equals(vm)) col = i;
            }
            if (col < 0 && r.fieldCount() == 2) col = 1;
            if (col < 0) {
                throw new FileFormatException(file, 1, "a column named '" + vm + "' (or a single CPU column), found " + String.join(", ", names));
            }
            int expected = r.fieldCount();
            String column = r.field(col).trim();
            List<long[]> t = new ArrayList<>();
            List<Double> v = new ArrayList<>();
            while (r.next()) {
                if (r.fieldCount() != expected) throw new FileFormatException(file, r.line(), expected + " fields as in the header, got " + r.fieldCount());
                t.add(new long[] {parseTime(file, r.line(), r.field(0).trim())});
                double value = r.number(col, column);
                if (!ValueRange.PERCENT_OF_ONE_PROCESSOR.allows(value)) {
                    throw new FileFormatException(file, r.line(), ValueRange.PERCENT_OF_ONE_PROCESSOR.expectation() + " in column " + (col + 1)
                            + " (" + column + "), got '" + r.field(col).trim() + "'");
                }
                v.add(value);
            }
            if (t.isEmpty()) throw new FileFormatException(file, 2, "at least one sample row after the header, got none");
            return toSeries(file, t, v);
        }
    }

    /** ISO-8601 instant, ISO local date-time (taken as UTC) or epoch seconds. */
    static long parseTime(Path file, long line, String s) {
        try {
            if (s.matches("-?\\d+(\\.\\d+)?")) {
                double seconds = Double.parseDouble(s);
                if (Math.abs(seconds) > MAX_EPOCH_SECONDS) throw new DateTimeParseException("out of range", s, 0);
                return Math.round(seconds * 1000);
            }
            if (s.endsWith("Z") || s.matches(".*[+-]\\d\\d:\\d\\d$")) return java.time.OffsetDateTime.parse(s).toInstant().toEpochMilli();
            return LocalDateTime.parse(s.replace(' ', 'T')).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new FileFormatException(file, line, "a time in column 1 (ISO-8601 like 2024-01-31T12:00:00Z, or epoch seconds), got '" + s + "'");
        }
    }

    private static IntervalSeries toSeries(Path file, List<long[]> t, List<Double> v) {
        long[] times = new long[t.size()];
        double[] values = new double[v.size()];
        for (int i = 0; i < times.length; i++) {
            times[i] = t.get(i)[0];
            values[i] = v.get(i);
            if (i > 0 && times[i] <= times[i - 1]) {
                throw new FileFormatException(file, 0, "times that increase from row to row, but row " + (i + 1) + " (" + Instant.ofEpochMilli(times[i])
                        + ") is not after the one before");
            }
        }
        return new IntervalSeries(times, values);
    }
}
