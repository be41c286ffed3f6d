package dev.memvisor.sim.report;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Number formatting shared by the writers: fixed decimals, no exponent, locale-independent. */
final class Num {
    private Num() {}

    /** {@code v} with at most {@code decimals} decimals, trailing zeros dropped. */
    static String fmt(double v, int decimals) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return "";
        String s = BigDecimal.valueOf(v).setScale(decimals, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
        return s.equals("-0") ? "0" : s;
    }

    /** {@code v} rounded to {@code decimals} decimals, as a double (for JSON). */
    static double round(double v, int decimals) {
        return BigDecimal.valueOf(v).setScale(decimals, RoundingMode.HALF_UP).doubleValue();
    }

    /** Megabytes (MiB) to bytes. */
    static long bytes(double mb) {
        return Math.round(mb * 1024 * 1024);
    }
}
