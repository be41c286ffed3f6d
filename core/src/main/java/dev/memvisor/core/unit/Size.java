package dev.memvisor.core.unit;

import java.math.BigDecimal;
import java.util.Locale;

/** Parses and prints memory sizes: {@code 512M}, {@code 4G}, {@code 1.5T} or plain bytes; binary units (1K = 1024). */
public final class Size {
    /** Bytes in one KiB. */
    public static final long KIB = 1024L;
    /** Bytes in one MiB. */
    public static final long MIB = 1024L * KIB;
    /** Bytes in one GiB. */
    public static final long GIB = 1024L * MIB;
    /** Bytes in one TiB. */
    public static final long TIB = 1024L * GIB;

    private static final String FORMS = "a non-negative size such as 4096, 512K, 512M, 4G or 1.5T (binary units, optional 'B' or 'iB')";

    private Size() {}

    /**
     * Parses a size. Accepts plain bytes and a number with a suffix K, M, G, T, P (also KB, KiB...).
     *
     * @throws IllegalArgumentException naming the text and the accepted forms when it is negative or unparsable
     */
    public static long parse(String text) {
        if (text == null) throw new IllegalArgumentException("size: got nothing, expected " + FORMS);
        String t = text.trim().toUpperCase(Locale.ROOT);
        if (t.endsWith("IB")) t = t.substring(0, t.length() - 2);
        else if (t.endsWith("B")) t = t.substring(0, t.length() - 1);
        long unit = 1;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'K' -> unit = KIB;
                case 'M' -> unit = MIB;
                case 'G' -> unit = GIB;
                case 'T' -> unit = TIB;
                case 'P' -> unit = TIB * 1024;
                default -> unit = 1;
            }
            if (unit != 1) t = t.substring(0, t.length() - 1).trim();
        }
        BigDecimal number;
        try {
            number = new BigDecimal(t);
            // an exponent such as 1e-999999999 would make rounding compute 10^999999999
            if (Math.abs(number.scale()) > 100) throw new NumberFormatException();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size: got '" + text + "', expected " + FORMS);
        }
        if (number.signum() < 0) throw new IllegalArgumentException("size: got '" + text + "' (negative), expected " + FORMS);
        BigDecimal bytes = number.multiply(BigDecimal.valueOf(unit));
        if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("size: got '" + text + "' (too large), expected " + FORMS);
        }
        if (unit == 1 && bytes.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException("size: got '" + text + "' (fractional bytes), expected " + FORMS);
        }
        return bytes.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
    }

    /** Prints a size with the largest binary unit that keeps at most two decimals, e.g. {@code 1.5G}, {@code 512M}, {@code 100}. */
    public static String format(long bytes) {
        if (bytes < 0) return "-" + format(-bytes);
        long[] units = {TIB, GIB, MIB, KIB};
        String[] names = {"T", "G", "M", "K"};
        for (int i = 0; i < units.length; i++) {
            if (bytes >= units[i]) {
                BigDecimal v = BigDecimal.valueOf(bytes).divide(BigDecimal.valueOf(units[i]), 2, java.math.RoundingMode.HALF_UP)
                        .stripTrailingZeros();
                return v.toPlainString() + names[i];
            }
        }
        return Long.toString(bytes);
    }
}
