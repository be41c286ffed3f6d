package dev.memvisor.cli.measure;

import dev.memvisor.measure.pdh.CharsetSniffer;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.nio.charset.Charset;

/** Parses an encoding name, Windows code page names ({@code cp1251}, {@code cp932}) included. */
final class EncodingConverter implements ITypeConverter<Charset> {
    @Override
    public Charset convert(String value) {
        try {
            return CharsetSniffer.forName(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
