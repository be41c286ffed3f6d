package dev.memvisor.measure.pdh;

import dev.memvisor.measure.FileFormatException;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PDH-CSV file (esxtop {@code -b}, perfmon, typeperf, relog): the header is read on open, the samples
 * are streamed one row at a time with only the selected columns parsed.
 *
 * <p>Format: first header field {@code (PDH-CSV 4.0) (time zone name)(bias minutes)}, where UTC = local
 * time + bias (Windows TIME_ZONE_INFORMATION convention); then one {@code \\machine\Object(Instance)\Counter}
 * per column. Each row: a local timestamp {@code MM/dd/yyyy HH:mm:ss[.fff]} and the values,
 * {@code " "} when a counter had no value.
 */
public final class PdhCsvFile implements AutoCloseable {
    private static final Pattern FIRST_HEADER = Pattern.compile("\\(PDH-CSV ([0-9.]+)\\)\\s*\\((.*)\\)\\((-?\\d+)\\)\\s*");

    private final Path file;
    private final Charset charset;
    private final CsvRecordReader records;
    private final String timeZoneName;
    private final int biasMinutes;
    private final List<CounterPath> columns;
    private long lastLocalMillis = Long.MIN_VALUE;
    private int fallBackShifts;
    private final long sizeBytes;

    private PdhCsvFile(Path file, Charset charset, CsvRecordReader records, String tz, int bias, List<CounterPath> columns, long size) {
        this.file = file;
        this.charset = charset;
        this.records = records;
        this.timeZoneName = tz;
        this.biasMinutes = bias;
        this.columns = columns;
        this.sizeBytes = size;
    }

    /** Opens {@code file}, detects its encoding and reads the header. */
    public static PdhCsvFile open(Path file) {
        return open(file, null);
    }

    /** Opens {@code file} in {@code charset} (null to detect it) and reads the header. */
    public static PdhCsvFile open(Path file, Charset charset) {
        InputStream in = null;
        try {
            long size = Files.size(file);
            in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            byte[] head = new byte[1 << 16];
            in.mark(head.length);
            int n = in.readNBytes(head, 0, head.length);
            in.reset();
            Charset cs = charset != null ? charset : CharsetSniffer.detect(head, n);
            in.skipNBytes(CharsetSniffer.bomLength(head, n, cs));
            InputStreamReader reader = new InputStreamReader(in, cs.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
            CsvRecordReader records = new CsvRecordReader(reader, file);
            if (!records.next()) throw new FileFormatException(file, 1, "a PDH-CSV header line, got an empty file");
            String first = records.field(0).replace("\uFEFF", "");
            Matcher m = FIRST_HEADER.matcher(first);
            if (!m.matches()) {
                throw new FileFormatException(file, 1, "a PDH-CSV header whose first field is '(PDH-CSV 4.0) (time zone)(bias minutes)', got '"
                        + abbreviate(first) + "'");
            }
            List<CounterPath> cols = new ArrayList<>(records.fieldCount() - 1);
            for (int i = 1; i < records.fieldCount(); i++) cols.add(CounterPath.parse(records.field(i)));
            return new PdhCsvFile(file, cs, records, m.group(2), Integer.parseInt(m.group(3)), Collections.unmodifiableList(cols), size);
        } catch (IOException e) {
            closeQuietly(in);
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(in);
            throw e;
        }
    }

    /** The file read. */
    public Path file() {
        return file;
    }

    /** The encoding used to read it. */
    public Charset charset() {
        return charset;
    }

    /** The time zone name from the first header field, e.g. {@code UTC} or {@code Sri Lanka Standard Time}. */
    public String timeZoneName() {
        return timeZoneName;
    }

    /** Minutes to add to the file's local timestamps to get UTC. */
    public int biasMinutes() {
        return biasMinutes;
    }

    /** The counter columns in file order (column 0 is the timestamp and not included); null where a header is not a counter path. */
    public List<CounterPath> columns() {
        return columns;
    }

    /** Size of the file in bytes. */
    public long sizeBytes() {
        return sizeBytes;
    }

    /** Indexes (into {@link #columns()}) of the columns any of the selectors matches, in file order. */
    public int[] select(List<CounterSelector> selectors) {
        int[] out = new int[columns.size()];
        int n = 0;
        for (int i = 0; i < columns.size(); i++) {
            CounterPath p = columns.get(i);
            for (CounterSelector s : selectors) {
                if (s.matches(p)) { out[n++] = i; break; }
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** Receives one sample row. */
    @FunctionalInterface
    public interface RowHandler {
        /**
         * One row: the UTC time in epoch milliseconds, the values of the selected columns in selection order
         * (NaN where blank; the array is reused between rows) and the line it was read from.
         */
        void row(long epochMillis, double[] values, long line);
    }

    /** Streams every remaining row to {@code handler}, parsing only {@code selected} columns; returns the number of rows. */
    public long stream(int[] selected, RowHandler handler) {
        double[] values = new double[selected.length];
        int expected = columns.size() + 1;
        long rows = 0;
        while (records.next()) {
            if (records.fieldCount() != expected) {
                throw new FileFormatException(file, records.line(), expected + " fields as in the header, got " + records.fieldCount());
            }
            long t = utc(parseTimestamp(records.field(0), records.line()), records.line());
            for (int k = 0; k < selected.length; k++) {
                int col = selected[k];
                CounterPath p = columns.get(col);
                values[k] = records.number(col + 1, p == null ? "column " + (col + 2) : p.raw());
            }
            handler.row(t, values, records.line());
            rows++;
        }
        return rows;
    }

    /**
     * Local time to UTC. Perfmon writes local wall-clock time with the bias of the moment the log began, so
     * when daylight saving time ends the clock goes back (at most an hour): from there on the bias is an
     * hour larger. Any other step back is an error rather than a silently wrong series. (A start of daylight
     * saving time, a one-hour gap, cannot be told from a pause in logging and is not corrected.)
     */
    private long utc(long local, long line) {
        if (lastLocalMillis != Long.MIN_VALUE && local < lastLocalMillis) {
            long back = lastLocalMillis - local;
            if (back > 3_600_000L) {
                throw new FileFormatException(file, line, "times in order (a clock may go back at most one hour, when daylight saving time ends), got one "
                        + back / 1000 + " s before the previous row's");
            }
            fallBackShifts++;
        }
        lastLocalMillis = local;
        return local + (biasMinutes + 60L * fallBackShifts) * 60_000L;
    }

    /** How many times the local clock went back (daylight saving time ended) in the rows read so far; each adds an hour to the bias. */
    public int daylightSavingEnds() {
        return fallBackShifts;
    }

    /** Characters read so far. */
    public long charsRead() {
        return records.charsRead();
    }

    private long parseTimestamp(String s, long line) {
        // MM/dd/yyyy HH:mm:ss[.fff], written by hand: this runs once per row of a large file.
        String t = s.trim();
        try {
            if (t.length() < 19 || t.charAt(2) != '/' || t.charAt(5) != '/' || t.charAt(10) != ' ' || t.charAt(13) != ':' || t.charAt(16) != ':') {
                throw new IllegalArgumentException();
            }
            int month = Integer.parseInt(t, 0, 2, 10);
            int day = Integer.parseInt(t, 3, 5, 10);
            int year = Integer.parseInt(t, 6, 10, 10);
            int hour = Integer.parseInt(t, 11, 13, 10);
            int minute = Integer.parseInt(t, 14, 16, 10);
            int second = Integer.parseInt(t, 17, 19, 10);
            int millis = 0;
            if (t.length() > 19) {
                if (t.charAt(19) != '.') throw new IllegalArgumentException();
                String frac = (t.substring(20) + "000").substring(0, 3);
                millis = Integer.parseInt(frac);
            }
            java.time.LocalDateTime ldt = java.time.LocalDateTime.of(year, month, day, hour, minute, second, millis * 1_000_000);
            return ldt.toEpochSecond(java.time.ZoneOffset.UTC) * 1000 + millis;
        } catch (RuntimeException e) {
            throw new FileFormatException(file, line, "a timestamp 'MM/dd/yyyy HH:mm:ss[.fff]' in column 1, got '" + abbreviate(s) + "'");
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    private static void closeQuietly(InputStream in) {
        if (in == null) return;
        try { in.close(); } catch (IOException ignored) { /* already failing */ }
    }

    @Override
    public void close() {
        records.close();
    }
}
