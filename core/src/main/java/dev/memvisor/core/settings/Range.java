package dev.memvisor.core.settings;

import dev.memvisor.core.unit.Durations;
import dev.memvisor.core.unit.Size;

import java.math.BigDecimal;

/**
 * An interval of allowed values written in interval notation, {@code [0, 1)}, {@code (0, inf)},
 * {@code [64M, inf)}, {@code [100ms, 1d]}: square brackets include a bound, round ones exclude it;
 * {@code inf} and {@code -inf} are open ends. Bounds of sizes are bytes and of durations nanoseconds.
 *
 * @param text         the interval as written
 * @param min          the lower bound, or null for none
 * @param minInclusive whether the lower bound is allowed
 * @param max          the upper bound, or null for none
 * @param maxInclusive whether the upper bound is allowed
 */
public record Range(String text, BigDecimal min, boolean minInclusive, BigDecimal max, boolean maxInclusive) {

    /**
     * Parses an interval whose bounds are written in {@code unit}.
     *
     * @throws IllegalArgumentException when it is not interval notation (a mistake in the code, not in a user's file)
     */
    public static Range parse(String text, Setting.Unit unit) {
        String t = text.trim();
        if (t.length() < 5 || "[(".indexOf(t.charAt(0)) < 0 || "])".indexOf(t.charAt(t.length() - 1)) < 0 || t.indexOf(',') < 0) {
            throw new IllegalArgumentException("range '" + text + "': expected interval notation such as [0, 1) or [64M, inf)");
        }
        String[] parts = t.substring(1, t.length() - 1).split(",", -1);
        if (parts.length != 2) throw new IllegalArgumentException("range '" + text + "': expected two bounds");
        BigDecimal lo = bound(parts[0].trim(), unit);
        BigDecimal hi = bound(parts[1].trim(), unit);
        return new Range(t, lo, t.charAt(0) == '[', hi, t.charAt(t.length() - 1) == ']');
    }

    private static BigDecimal bound(String b, Setting.Unit unit) {
        if (b.equals("inf") || b.equals("-inf")) return null;
        return switch (unit) {
            case BYTES -> BigDecimal.valueOf(Size.parse(b));
            case DURATION -> BigDecimal.valueOf(Durations.parse(b).toNanos());
            case NONE -> new BigDecimal(b);
        };
    }

    /** Whether {@code v} lies in the interval. */
    public boolean contains(BigDecimal v) {
        if (min != null && (minInclusive ? v.compareTo(min) < 0 : v.compareTo(min) <= 0)) return false;
        return max == null || (maxInclusive ? v.compareTo(max) <= 0 : v.compareTo(max) < 0);
    }

    /** Whether {@code v} lies in the interval. */
    public boolean contains(double v) {
        return !Double.isNaN(v) && (Double.isInfinite(v) ? (v > 0 ? max == null : min == null) : contains(BigDecimal.valueOf(v)));
    }

    /**
     * What a value must be, for messages: {@code a number in [0, 1)}, {@code a size > 0}, {@code an integer >= 1}.
     *
     * @param what the kind of value: {@code a number}, {@code an integer}, {@code a size}, {@code a duration}
     */
    public String describe(String what) {
        if (max == null && min != null) {
            String lo = text.substring(1, text.indexOf(',')).trim();
            return what + (minInclusive ? " >= " : " > ") + lo;
        }
        if (min == null && max != null) {
            String hi = text.substring(text.indexOf(',') + 1, text.length() - 1).trim();
            return what + (maxInclusive ? " <= " : " < ") + hi;
        }
        return what + " in " + text;
    }
}
