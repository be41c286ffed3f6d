package dev.memvisor.core.unit;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;

/**
 * Parses and prints durations: {@code 4us}, {@code 100ms}, {@code 30s}, {@code 10m}, {@code 1h},
 * {@code 2d} or a bare number of seconds, with decimals ({@code 1.5s}). The one duration syntax of
 * every settings file and command-line option.
 */
public final class Durations {
    /** The accepted forms, for messages. */
    public static final String FORMS = "a duration such as 100ms, 30s, 10m or 1h (units us, ms, s, m, h, d; a bare number is seconds)";

    private static final String[] UNITS = {"us", "ms", "s", "m", "h", "d"};
    private static final long[] NANOS = {1_000L, 1_000_000L, 1_000_000_000L, 60_000_000_000L, 3_600_000_000_000L, 86_400_000_000_000L};
    /** The longest duration: what a long count of nanoseconds holds (about 292 years). */
    private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

    private Durations() {}

    /**
     * Parses a duration, rounded to the nanosecond.
     *
     * @throws IllegalArgumentException naming the text and the accepted forms when it is negative,
     *                                  unparsable or longer than a long count of nanoseconds
     */
    public static Duration parse(String text) {
        if (text == null) throw new IllegalArgumentException("duration: got nothing, expected " + FORMS);
        String t = text.trim().toLowerCase(Locale.ROOT);
        long unit = NANOS[2];
        // longest suffix first: "ms" and "us" before "s"
        for (String u : UNITS) {
            if (t.endsWith(u)) {
                unit = NANOS[indexOf(u)];
                t = t.substring(0, t.length() - u.length()).trim();
                break;
            }
        }
        BigDecimal number;
        try {
            number = new BigDecimal(t);
            // an exponent such as 1e-999999999 would make rounding compute 10^999999999
            if (Math.abs(number.scale()) > 100) throw new NumberFormatException();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("duration: got '" + text + "', expected " + FORMS);
        }
        if (number.signum() < 0) throw new IllegalArgumentException("duration: got '" + text + "' (negative), expected " + FORMS);
        BigDecimal nanos = number.multiply(BigDecimal.valueOf(unit)).setScale(0, RoundingMode.HALF_UP);
        if (nanos.compareTo(MAX_NANOS) > 0) throw tooLarge(text);
        return Duration.ofNanos(nanos.longValueExact());
    }

    private static IllegalArgumentException tooLarge(String text) {
        return new IllegalArgumentException("duration: got '" + text + "' (too large: at most " + format(Duration.ofNanos(Long.MAX_VALUE)
                .truncatedTo(java.time.temporal.ChronoUnit.DAYS)) + "), expected " + FORMS);
    }

    private static int indexOf(String unit) {
        for (int i = 0; i < UNITS.length; i++) if (UNITS[i].equals(unit)) return i;
        throw new IllegalArgumentException(unit);
    }

    /** Parses a duration in whole microseconds (the simulator's integral time), rounded half up. */
    public static long parseMicros(String text) {
        Duration d = parse(text);
        return BigDecimal.valueOf(d.getSeconds()).multiply(BigDecimal.valueOf(1_000_000))
                .add(BigDecimal.valueOf(d.getNano()).divide(BigDecimal.valueOf(1000), 0, RoundingMode.HALF_UP)).longValueExact();
    }

    /** Prints a duration in the largest unit that holds it exactly: {@code 10m}, {@code 100ms}, {@code 90s}, {@code 0}; below a microsecond, in ns. */
    public static String format(Duration d) {
        if (d.isZero()) return "0";
        if (d.isNegative()) return "-" + format(d.negated());
        BigDecimal nanos = new BigDecimal(d.getSeconds()).multiply(BigDecimal.valueOf(1_000_000_000L)).add(BigDecimal.valueOf(d.getNano()));
        for (int i = UNITS.length - 1; i >= 0; i--) {
            BigDecimal[] qr = nanos.divideAndRemainder(BigDecimal.valueOf(NANOS[i]));
            if (qr[1].signum() == 0) return qr[0].toPlainString() + UNITS[i];
        }
        return nanos.toPlainString() + "ns";
    }
}
