package dev.memvisor.measure;

import java.util.Locale;

/**
 * The values a counter can take, with how to say so in an error; NaN (a blank field) is always allowed:
 * it means the counter had no value in that sample.
 *
 * @param min         the smallest value allowed
 * @param max         the largest value allowed
 * @param whole       true if only whole numbers are allowed
 * @param expectation what a value must be, e.g. "a size in MB from 0 to 1e9"
 */
public record ValueRange(double min, double max, boolean whole, String expectation) {
    /** A range of any numbers from {@code min} to {@code max}. */
    public ValueRange(double min, double max, String expectation) {
        this(min, max, false, expectation);
    }

    /** Megabytes: at least 0 and at most 1e9 MB (a petabyte, 40 times the largest host ESXi 8 supports). */
    public static final ValueRange MEGABYTES = new ValueRange(0, 1e9, "a size in MB from 0 to 1e9");
    /** Megabytes per second: at least 0 and at most 1e7 (10 TB/s). */
    public static final ValueRange MEGABYTES_PER_SECOND = new ValueRange(0, 1e7, "a rate in MB/s from 0 to 1e7");
    /** A percentage of all processors: 0 to 100. */
    public static final ValueRange PERCENT = new ValueRange(0, 100, "a percentage from 0 to 100");
    /**
     * A percentage of one processor summed over many (perfmon's Process counters, esxtop's group %USED, %RDY):
     * 0 to 100 x 4096 processors.
     */
    public static final ValueRange PERCENT_OF_ONE_PROCESSOR = new ValueRange(0, 409_600, "a percentage of one processor from 0 to 409600");
    /** Any finite number (the parser has already refused infinities). */
    public static final ValueRange ANY = new ValueRange(-Double.MAX_VALUE, Double.MAX_VALUE, "a number");

    /** True if {@code v} is NaN (missing) or within the range. */
    public boolean allows(double v) {
        return Double.isNaN(v) || (v >= min && v <= max && (!whole || v == Math.rint(v)));
    }

    /** {@code v} as the error message shows it. */
    public static String show(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.6g", v);
    }
}
