package dev.memvisor.cli.measure;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;

/** Parses a duration given as seconds ({@code 300}, {@code 300s}), minutes ({@code 5m}) or hours ({@code 1h}) into milliseconds. */
final class DurationConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        long unit = 1000;
        if (v.endsWith("ms")) { unit = 1; v = v.substring(0, v.length() - 2); }
        else if (v.endsWith("s")) v = v.substring(0, v.length() - 1);
        else if (v.endsWith("m")) { unit = 60_000; v = v.substring(0, v.length() - 1); }
        else if (v.endsWith("h")) { unit = 3_600_000; v = v.substring(0, v.length() - 1); }
        try {
            double d = Double.parseDouble(v);
            if (!Double.isFinite(d)) throw new NumberFormatException();
            return Math.round(d * unit);
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a duration: expected e.g. 300, 300s, 5m or 1h");
        }
    }
}
