package dev.memvisor.measure.pdh;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Guesses the encoding of a perfmon export from its first bytes: a byte-order mark, zero bytes
 * (UTF-16 without a mark), valid UTF-8, else Windows-1251 (relog on a Russian Windows writes the
 * ANSI code page).
 */
public final class CharsetSniffer {
    /** Windows-1251, the Cyrillic ANSI code page. */
    public static final Charset WINDOWS_1251 = Charset.forName("windows-1251");

    private CharsetSniffer() {}

    /** The detected encoding of a file that starts with {@code head} ({@code length} bytes used). */
    public static Charset detect(byte[] head, int length) {
        if (length >= 3 && (head[0] & 0xff) == 0xEF && (head[1] & 0xff) == 0xBB && (head[2] & 0xff) == 0xBF) return StandardCharsets.UTF_8;
        if (length >= 2 && (head[0] & 0xff) == 0xFF && (head[1] & 0xff) == 0xFE) return StandardCharsets.UTF_16LE;
        if (length >= 2 && (head[0] & 0xff) == 0xFE && (head[1] & 0xff) == 0xFF) return StandardCharsets.UTF_16BE;
        if (length >= 2 && head[0] != 0 && head[1] == 0) return StandardCharsets.UTF_16LE;
        if (length >= 2 && head[0] == 0 && head[1] != 0) return StandardCharsets.UTF_16BE;
        int end = length;
        // Do not let a multi-byte character cut by the sniff window count as invalid.
        int back = 0;
        while (back < 3 && end - back - 1 >= 0 && (head[end - back - 1] & 0xC0) == 0x80) back++;
        if (end - back - 1 >= 0 && (head[end - back - 1] & 0xC0) == 0xC0) end = end - back - 1;
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(head, 0, end));
            return StandardCharsets.UTF_8;
        } catch (CharacterCodingException e) {
            return WINDOWS_1251;
        }
    }

    /** Number of bytes of byte-order mark at the start of {@code head} for {@code charset}. */
    public static int bomLength(byte[] head, int length, Charset charset) {
        if (charset.equals(StandardCharsets.UTF_8) && length >= 3 && (head[0] & 0xff) == 0xEF && (head[1] & 0xff) == 0xBB) return 3;
        if ((charset.equals(StandardCharsets.UTF_16LE) && length >= 2 && (head[0] & 0xff) == 0xFF && (head[1] & 0xff) == 0xFE)
                || (charset.equals(StandardCharsets.UTF_16BE) && length >= 2 && (head[0] & 0xff) == 0xFE && (head[1] & 0xff) == 0xFF)) return 2;
        return 0;
    }
}
