package dev.memvisor.measure.pdh;

import dev.memvisor.measure.FileFormatException;

import dev.memvisor.measure.TextInput;
import dev.memvisor.measure.ValueRange;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
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
 *
 * <p>The time-zone field is the part Windows localizes: a German system writes its own zone name, and
 * some write it cut short ({@code (PDH-CSV 4.0) (RTZ 2 (}) or not at all (typeperf writes
 * {@code (PDH-CSV 4.0)}). Without a bias the local times cannot be put in UTC; the file then reports
 * {@link TimeSource#LOCAL} and its times are the local times read as if they were UTC, for the caller to
 * shift with an offset it is told. A {@link ZoneId} given on open overrides the header.
 */
public final class PdhCsvFile implements AutoCloseable {
    private static final Pattern FIRST_HEADER = Pattern.compile("\\(PDH-CSV ([0-9.]+)\\)(.*)", Pattern.DOTALL);
    private static final Pattern ZONE_AND_BIAS = Pattern.compile("\\s*\\((.*)\\)\\s*\\((-?\\d{1,4})\\)\\s*", Pattern.DOTALL);
    /** What the file should be, for the error when it is not text. */
    static final String EXPECTED = "a PDH-CSV file (perfmon, typeperf, relog or esxtop -b)";

    /** Where the UTC times come from. */
    public enum TimeSource {
        /** The bias in the header's first field. */
        HEADER,
        /** A time zone given on open (the command's --timezone). */
        ZONE,
        /** Nothing: the header has no bias and no zone was given; times are local times read as UTC. */
        LOCAL
    }

    private final Path file;
    private final Charset charset;
    private final CsvRecordReader records;
    private final String headerField;
    private final String timeZoneName;
    private final Integer headerBias;
    private final ZoneRules zone;
    private final TimeSource timeSource;
    private final List<CounterPath> columns;
    private long lastLocalMillis = Long.MIN_VALUE;
    private ZoneOffset lastOffset;
    private int fallBackShifts;
    private final long sizeBytes;

    private PdhCsvFile(Path file, Charset charset, CsvRecordReader records, String headerField, String tz, Integer bias, ZoneId zone,
                       List<CounterPath> columns, long size) {
        this.file = file;
        this.charset = charset;
        this.records = records;
        this.headerField = headerField;
        this.timeZoneName = tz;
        this.headerBias = bias;
        this.zone = zone == null ? null : zone.getRules();
        this.timeSource = zone != null ? TimeSource.ZONE : bias != null ? TimeSource.HEADER : TimeSource.LOCAL;
        this.columns = columns;
        this.sizeBytes = size;
    }

    /** Opens {@code file}, detects its encoding and reads the header. */
    public static PdhCsvFile open(Path file) {
        return open(file, null, null);
    }

    /** Opens {@code file} in {@code charset} (null to detect it) and reads the header. */
    public static PdhCsvFile open(Path file, Charset charset) {
        return open(file, charset, null);
    }

    /**
     * Opens {@code file} in {@code charset} (null to detect it) and reads the header; {@code zone}, if not null,
     * is the zone of the file's local times and overrides the header's bias.
     */
    public static PdhCsvFile open(Path file, Charset charset, ZoneId zone) {
        TextInput text = TextInput.open(file, charset, EXPECTED);
        CsvRecordReader records = new CsvRecordReader(text.reader(), file);
        try {
            if (!records.next()) throw new FileFormatException(file, 1, "a PDH-CSV header line, got an empty file");
            String first = records.field(0).replace("\uFEFF", "");
            Matcher m = FIRST_HEADER.matcher(first);
            if (!m.matches()) {
                throw new FileFormatException(file, 1, "a PDH-CSV header whose first field is '(PDH-CSV 4.0) (time zone)(bias minutes)', got '"
                        + abbreviate(first) + "'");
            }
            String tz = null;
            Integer bias = null;
            Matcher zb = ZONE_AND_BIAS.matcher(m.group(2));
            if (zb.matches()) {
                tz = zb.group(1);
                bias = Integer.parseInt(zb.group(2));
                if (Math.abs(bias) > 24 * 60) {
                    throw new FileFormatException(file, 1, "a time-zone bias of at most 1440 minutes either way, got " + bias);
                }
            } else if (!m.group(2).isBlank()) {
                tz = m.group(2).trim().replaceFirst("^\\(", "");
            }
            List<CounterPath> cols = new ArrayList<>(records.fieldCount() - 1);
            for (int i = 1; i < records.fieldCount(); i++) cols.add(CounterPath.parse(records.field(i)));
            return new PdhCsvFile(file, text.charset(), records, first, tz, bias, zone, Collections.unmodifiableList(cols), text.size());
        } catch (RuntimeException e) {
            records.close();
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

    /** The time zone name from the first header field, e.g. {@code UTC} or {@code Sri Lanka Standard Time}; cut short or null as the file has it. */
    public String timeZoneName() {
        return timeZoneName;
    }

    /** The header's first field as written, e.g. {@code (PDH-CSV 4.0) (RTZ 2 (}. */
    public String headerField() {
        return headerField;
    }

    /** Minutes to add to the header's local times to get UTC, or null if the header does not say. */
    public Integer headerBiasMinutes() {
        return headerBias;
    }

    /** Minutes to add to the file's local timestamps to get UTC, as the header says; 0 if it does not (see {@link #timeSource()}). */
    public int biasMinutes() {
        return headerBias == null ? 0 : headerBias;
    }

    /** Where the times {@link #stream} returns are put in UTC from. */
    public TimeSource timeSource() {
        return timeSource;
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
        return stream(selected, null, handler);
    }

    /**
     * Streams every remaining row to {@code handler}, parsing only {@code selected} columns and checking each value
     * against {@code ranges[k]} (null: any finite number); returns the number of rows.
     */
    public long stream(int[] selected, ValueRange[] ranges, RowHandler handler) {
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
                String name = p == null ? "column " + (col + 2) : p.raw();
                double v = records.number(col + 1, name);
                if (ranges != null && ranges[k] != null && !ranges[k].allows(v)) {
                    throw new FileFormatException(file, records.line(), ranges[k].expectation() + " in column " + (col + 2) + " (" + name
                            + "), got '" + records.field(col + 1).trim() + "'");
                }
                values[k] = v;
            }
            handler.row(t, values, records.line());
            rows++;
        }
        return rows;
    }

    /** The error for a file whose header is followed by no sample. */
    public FileFormatException noSamples() {
        return new FileFormatException(file, 2, "at least one sample row after the header, got none (the file ends after its header)");
    }

    /**
     * Local time to UTC. Perfmon writes local wall-clock time with the bias of the moment the log began, so
     * when daylight saving time ends the clock goes back (at most an hour): from there on the bias is an
     * hour larger. Any other step back is an error rather than a silently wrong series. (A start of daylight
     * saving time, a one-hour gap, cannot be told from a pause in logging and is not corrected.) With a zone
     * given, its rules say the offset; where a local time occurs twice, the later offset is taken once the
     * clock has gone back.
     */
    private long utc(long local, long line) {
        boolean back = lastLocalMillis != Long.MIN_VALUE && local < lastLocalMillis;
        if (back) {
            long step = lastLocalMillis - local;
            if (step > 3_600_000L) {
                throw new FileFormatException(file, line, "times in order (a clock may go back at most one hour, when daylight saving time ends), got one "
                        + step / 1000 + " s before the previous row's");
            }
            fallBackShifts++;
        }
        lastLocalMillis = local;
        if (zone == null) {
            int bias = headerBias == null ? 0 : headerBias;
            return local + (bias + 60L * fallBackShifts) * 60_000L;
        }
        LocalDateTime ldt = LocalDateTime.ofEpochSecond(Math.floorDiv(local, 1000), Math.floorMod(local, 1000) * 1_000_000, ZoneOffset.UTC);
        List<ZoneOffset> valid = zone.getValidOffsets(ldt);
        ZoneOffset offset;
        if (valid.size() == 1) {
            offset = valid.get(0);
        } else if (valid.isEmpty()) { // in a gap (clocks went forward): the offset after it
            ZoneOffsetTransition tr = zone.getTransition(ldt);
            offset = tr.getOffsetAfter();
        } else if (back) {
            offset = valid.get(1); // the clock went back: the second pass, later offset
        } else {
            offset = lastOffset != null && valid.contains(lastOffset) ? lastOffset : valid.get(0);
        }
        lastOffset = offset;
        return local - offset.getTotalSeconds() * 1000L;
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
            int month = digits(t, 0, 2);
            int day = digits(t, 3, 5);
            int year = digits(t, 6, 10);
            int hour = digits(t, 11, 13);
            int minute = digits(t, 14, 16);
            int second = digits(t, 17, 19);
            int millis = 0;
            if (t.length() > 19) {
                if (t.charAt(19) != '.' || t.length() > 29) throw new IllegalArgumentException();
                String frac = (t.substring(20) + "000").substring(0, 3);
                millis = digits(frac, 0, 3);
                digits(t, 20, t.length());
            }
            LocalDateTime ldt = LocalDateTime.of(year, month, day, hour, minute, second, millis * 1_000_000);
            return ldt.toEpochSecond(ZoneOffset.UTC) * 1000 + millis;
        } catch (RuntimeException e) {
            throw new FileFormatException(file, line, "a timestamp 'MM/dd/yyyy HH:mm:ss[.fff]' in column 1, got '" + abbreviate(s) + "'");
        }
    }

    /** Decimal digits only: Integer.parseInt would take a sign or non-ASCII digits. */
    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') throw new IllegalArgumentException();
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    @Override
    public void close() {
        records.close();
    }
}
