package dev.memvisor.cli.measure;

import dev.memvisor.core.unit.Durations;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A duration option in the one duration syntax of core's {@link Durations} ({@code 300}, {@code 300s}, {@code 5m}, {@code 1h}), in milliseconds. */
final class DurationConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        try {
            return Durations.parse(value).toMillis();
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new TypeConversionException(e.getMessage().replaceFirst("^duration: ", ""));
        }
    }
}
