package dev.memvisor.measure.pdh;

import dev.memvisor.measure.FileFormatException;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a CSV stream one record at a time into a reused character buffer, so a file of thousands of
 * columns is never held as a matrix of strings; fields are materialised only when asked for.
 *
 * <p>RFC 4180 quoting, plus one esxtop quirk: {@code esxtop -b} writes some unquoted fields directly
 * followed by a quoted one ({@code ,   -"\\host\..."}); a quote after unquoted text starts a new field.
 */
public final class CsvRecordReader implements AutoCloseable {
    /** The longest record read (the real 17,427-column esxtop header is 1.2 M characters): a longer one is not a CSV export. */
    public static final int MAX_RECORD_CHARS = 64 << 20;
    private final Reader in;
    private final Path file;
    private final char[] buf = new char[1 << 16];
    private int pos;
    private int limit;
    private boolean eof;

    private char[] rec = new char[1 << 12];
    private int recLen;
    private int[] ends = new int[256];
    private int fields;
    private long line = 1;
    private long recordLine;
    private long charsRead;

    /** Reads records from {@code in}; {@code file} is only used in error messages. */
    public CsvRecordReader(Reader in, Path file) {
        this.in = in;
        this.file = file;
    }

    /** Reads the next record; false at the end of the input. Blank lines are skipped. */
    public boolean next() {
        recLen = 0;
        fields = 0;
        int c;
        // Skip blank lines between records.
        while (true) {
            c = read();
            if (c == '\r') continue;
            if (c == '\n') { line++; continue; }
            break;
        }
        if (c < 0) return false;
        recordLine = line;
        boolean quoted = false;
        boolean afterQuote = false;
        boolean fieldStarted = false;
        while (true) {
            if (quoted) {
                if (c < 0) throw new FileFormatException(file, recordLine, "a closing quote for the field opened on this line, got the end of the file");
                if (c == '"') {
                    int d = read();
                    if (d == '"') { append('"'); }
                    else { quoted = false; afterQuote = true; c = d; continue; }
                } else {
                    if (c == '\n') line++;
                    append((char) c);
                }
                c = read();
                continue;
            }
            if (c < 0 || c == '\n' || c == '\r') {
                endField();
                if (c == '\r') { int d = read(); if (d != '\n') unread(); }
                if (c >= 0) line++;
                return true;
            }
            if (c == ',') {
                endField();
                afterQuote = false;
                fieldStarted = false;
            } else if (c == '"') {
                if (fieldStarted && !afterQuote) {
                    int start = fields == 0 ? 0 : ends[fields - 1];
                    boolean blanks = true;
                    for (int k = start; k < recLen; k++) if (rec[k] != ' ' && rec[k] != '\t') blanks = false;
                    if (blanks) recLen = start; // blanks before an opening quote are padding
                    else endField(); // esxtop quirk: unquoted text directly followed by a quoted field
                }
                quoted = true;
                fieldStarted = true;
                afterQuote = false;
            } else {
                if (afterQuote) {
                    if (c != ' ' && c != '\t') {
                        throw new FileFormatException(file, recordLine, "a comma after the closing quote of field " + (fields + 1) + ", got '" + (char) c + "'");
                    }
                } else {
                    append((char) c);
                    fieldStarted = true;
                }
            }
            c = read();
        }
    }

    /** The file read, as given (for error messages). */
    public Path file() {
        return file;
    }

    /** Number of fields in the current record. */
    public int fieldCount() {
        return fields;
    }

    /** The line on which the current record starts (1-based). */
    public long line() {
        return recordLine;
    }

    /** Characters consumed so far (for progress and throughput figures). */
    public long charsRead() {
        return charsRead;
    }

    /** Field {@code i} (0-based) of the current record, unquoted and untrimmed. */
    public String field(int i) {
        int start = i == 0 ? 0 : ends[i - 1];
        return new String(rec, start, ends[i] - start);
    }

    /** True if field {@code i} is empty or only blanks (perfmon writes {@code " "} for a missing value). */
    public boolean isBlank(int i) {
        int start = i == 0 ? 0 : ends[i - 1];
        for (int k = start; k < ends[i]; k++) if (rec[k] != ' ' && rec[k] != '\t') return false;
        return true;
    }

    /**
     * Field {@code i} as a number; NaN if blank (or the word NaN: missing too). A field that is neither, or a
     * number too large for a double ({@code 1e400}), is an error naming the line, the column and what it holds.
     */
    public double number(int i, String columnName) {
        if (isBlank(i)) return Double.NaN;
        double fast = simpleDecimal(i == 0 ? 0 : ends[i - 1], ends[i]);
        if (!Double.isNaN(fast)) return fast;
        String s = field(i).trim();
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new FileFormatException(file, recordLine, "a number in column " + (i + 1) + " (" + columnName + "), got '" + abbreviate(s) + "'");
        }
        if (Double.isInfinite(v)) {
            throw new FileFormatException(file, recordLine, "a finite number in column " + (i + 1) + " (" + columnName + "), got '" + abbreviate(s) + "'");
        }
        return v;
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18};

    /**
     * Parses {@code [-]digits[.digits]} of at most 15 significant digits without making a String; NaN for
     * anything else (the caller falls back to Double.parseDouble). Exact: a mantissa below 2^53 divided by
     * an exact power of ten is one correctly rounded operation, the same double parseDouble returns.
     */
    private double simpleDecimal(int start, int end) {
        while (start < end && rec[start] == ' ') start++;
        while (end > start && rec[end - 1] == ' ') end--;
        boolean neg = start < end && rec[start] == '-';
        if (neg) start++;
        if (start == end) return Double.NaN;
        long m = 0;
        int digits = 0, frac = -1;
        for (int k = start; k < end; k++) {
            char c = rec[k];
            if (c >= '0' && c <= '9') {
                if (++digits > 15) return Double.NaN;
                m = m * 10 + (c - '0');
                if (frac >= 0) frac++;
            } else if (c == '.' && frac < 0) {
                frac = 0;
            } else {
                return Double.NaN;
            }
        }
        if (digits == 0) return Double.NaN;
        double v = frac > 0 ? m / POW10[frac] : m;
        return neg ? -v : v;
    }

    private void endField() {
        if (fields == ends.length) ends = Arrays.copyOf(ends, fields * 2);
        ends[fields++] = recLen;
    }

    private void append(char ch) {
        if (recLen == rec.length) {
            if (recLen >= MAX_RECORD_CHARS) {
                throw new FileFormatException(file, recordLine, "records of at most " + (MAX_RECORD_CHARS >> 20) + " Mi characters, got a longer one");
            }
            rec = Arrays.copyOf(rec, Math.min(rec.length * 2, MAX_RECORD_CHARS));
        }
        rec[recLen++] = ch;
    }

    private int read() {
        if (pos == limit) {
            if (eof) { pos = limit + 1; return -1; }
            try {
                int n = in.read(buf, 0, buf.length);
                if (n <= 0) { eof = true; pos = limit + 1; return -1; }
                limit = n;
                pos = 0;
                charsRead += n;
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new FileFormatException(file, line, "text in one encoding, got bytes that are not valid in the one detected from the start of the file"
                        + " (give the file's encoding with --encoding)");
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": " + e.getMessage(), e);
            }
        }
        if (pos > limit) return -1;
        return buf[pos++];
    }

    private void unread() {
        if (pos <= limit && pos > 0) pos--;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
