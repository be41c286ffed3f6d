package dev.memvisor.cli.measure;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.DateTimeException;
import java.time.ZoneId;

/** Parses a time zone: an IANA name ({@code Europe/Moscow}) or a fixed offset ({@code +03:00}, {@code UTC+3}). */
final class ZoneConverter implements ITypeConverter<ZoneId> {
    @Override
    public ZoneId convert(String value) {
        try {
            return ZoneId.of(value.trim());
        } catch (DateTimeException e) {
            throw new TypeConversionException("'" + value + "' is not a time zone: expected an IANA name such as Europe/Berlin or an offset such as +03:00");
        }
    }
}
