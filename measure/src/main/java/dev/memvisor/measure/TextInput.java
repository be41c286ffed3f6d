package dev.memvisor.measure;

import dev.memvisor.measure.pdh.CharsetSniffer;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens a measurement file as text: detects (or takes) its encoding, skips a byte-order mark, and refuses
 * binary data at once with a message naming the file, the line and what was expected, instead of the
 * decoder's "Input length = 1" or a header of garbage.
 *
 * @param reader  the text after any byte-order mark, decoded strictly (invalid bytes are an error, not U+FFFD)
 * @param charset the encoding used
 * @param size    the file's size in bytes
 */
public record TextInput(Reader reader, Charset charset, long size) {
    private static final int HEAD = 1 << 16;

    /**
     * Opens {@code file} in {@code charset} (null: detect it); {@code expected} says what the file should be, for
     * the error when it is binary (e.g. "a PDH-CSV file from perfmon, typeperf, relog or esxtop -b").
     */
    public static TextInput open(Path file, Charset charset, String expected) {
        InputStream in = null;
        try {
            long size = Files.size(file);
            in = new BufferedInputStream(Files.newInputStream(file), HEAD);
            byte[] head = new byte[HEAD];
            in.mark(HEAD);
            int n = in.readNBytes(head, 0, HEAD);
            in.reset();
            Charset cs = charset != null ? charset : CharsetSniffer.detect(head, n);
            int bom = CharsetSniffer.bomLength(head, n, cs);
            checkText(file, head, bom, n, cs, expected);
            in.skipNBytes(bom);
            Reader r = new InputStreamReader(in, cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
            return new TextInput(r, cs, size);
        } catch (IOException e) {
            close(in);
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close(in);
            throw e;
        }
    }

    /** Control characters other than tab, line feed, form feed and carriage return do not occur in a CSV export. */
    private static void checkText(Path file, byte[] head, int from, int n, Charset cs, String expected) {
        String text = new String(head, from, n - from, cs); // lenient: only control characters are looked for here
        int line = 1;
        int end = text.length();
        // The last character may be a multi-byte sequence cut by the window; it decodes to U+FFFD, which is not a control character.
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (c == '\n') line++;
            else if ((c < 0x20 && c != '\t' && c != '\r' && c != '\f') || c == 0x7F) {
                throw new FileFormatException(file, line, expected + ", got binary data (control character U+"
                        + String.format("%04X", (int) c) + " on this line, read as " + cs.name() + ")");
            }
        }
    }

    private static void close(InputStream in) {
        if (in == null) return;
        try { in.close(); } catch (IOException ignored) { /* already failing */ }
    }
}
