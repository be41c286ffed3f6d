package dev.memvisor.libvirt;

import java.util.Locale;

/**
 * Sizes with a {@code unit} attribute as libvirt's domain XML writes them ({@code <memory unit='MiB'>512</memory>}):
 * no unit = KiB; {@code b}/{@code bytes}; a letter k, M, G, T, P, E alone or with {@code iB} = powers of 1024;
 * with {@code B} = powers of 1000; case-insensitive. The same rules as libvirt's virScaleInteger
 * (src/util/virutil.c), documented at https://libvirt.org/formatdomain.html#memory-allocation.
 */
public final class LibvirtUnits {
    private LibvirtUnits() {}

    /**
     * Bytes for a value and its unit (null or empty = KiB).
     *
     * @throws IllegalArgumentException naming the value or unit and what was expected
     */
    public static long toBytes(String value, String unit) {
        String v = value == null ? "" : value.trim();
        if (!v.matches("[0-9]+")) throw new IllegalArgumentException("'" + v + "' is not a whole number of " + (unit == null || unit.isEmpty() ? "KiB" : unit));
        long scale = scale(unit == null ? "" : unit.trim());
        long n;
        try {
            n = Long.parseLong(v);
            return Math.multiplyExact(n, scale);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + v + " " + unit + "' is too large");
        }
    }

    private static long scale(String unit) {
        if (unit.isEmpty()) return 1024;
        String u = unit.toLowerCase(Locale.ROOT);
        if (u.equals("b") || u.equals("byte") || u.equals("bytes")) return 1;
        long base;
        if (u.length() == 1 || u.substring(1).equals("ib")) base = 1024;
        else if (u.length() == 2 && u.charAt(1) == 'b') base = 1000;
        else throw unknown(unit);
        int power = "kmgtpe".indexOf(u.charAt(0)) + 1;
        if (power == 0) throw unknown(unit);
        long s = 1;
        for (int i = 0; i < power; i++) s *= base;
        return s;
    }

    private static IllegalArgumentException unknown(String unit) {
        return new IllegalArgumentException("unknown unit '" + unit + "': expected b, KiB (k), MiB (M), GiB (G), TiB (T), KB, MB, GB or TB");
    }
}
