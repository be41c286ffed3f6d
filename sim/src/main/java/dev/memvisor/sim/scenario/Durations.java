package dev.memvisor.sim.scenario;

import java.math.BigDecimal;
import java.util.Locale;

/** Parses simulated durations such as {@code 100ms}, {@code 30s}, {@code 10m}, {@code 1h}, {@code 5us}; a bare number is seconds. */
public final class Durations {
    private Durations() {}

    /** The duration in whole microseconds (simulated time is integral, so ties order deterministically). */
    public static long parseMicros(String text) {
        if (text == null) throw new IllegalArgumentException("got nothing, expected a duration such as 100ms, 30s, 10m or 1h");
        String t = text.trim().toLowerCase(Locale.ROOT);
        long unit;
        String num;
        if (t.endsWith("us")) { unit = 1; num = t.substring(0, t.length() - 2); }
        else if (t.endsWith("ms")) { unit = 1_000; num = t.substring(0, t.length() - 2); }
        else if (t.endsWith("s")) { unit = 1_000_000; num = t.substring(0, t.length() - 1); }
        else if (t.endsWith("m")) { unit = 60_000_000L; num = t.substring(0, t.length() - 1); }
        else if (t.endsWith("h")) { unit = 3_600_000_000L; num = t.substring(0, t.length() - 1); }
        else { unit = 1_000_000; num = t; }
        BigDecimal v;
        try {
            v = new BigDecimal(num.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("got '" + text + "', expected a duration such as 100ms, 30s, 10m or 1h");
        }
        if (v.signum() < 0) throw new IllegalArgumentException("got '" + text + "', expected a duration >= 0");
        return v.multiply(BigDecimal.valueOf(unit)).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
    }
}
