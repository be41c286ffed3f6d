package dev.memvisor.measure.pdh;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Guesses the encoding of a perfmon export from its first bytes. perfmon and relog write UTF-16 (with a
 * byte-order mark) or the system's ANSI code page, typeperf the ANSI code page; UTF-8 comes from tools
 * that re-save the file. In order: a byte-order mark; zero bytes in every other place (UTF-16 without a
 * mark); valid UTF-8; else the ANSI code page of a language memvisor knows (1252 Western, 1251 Cyrillic,
 * 932 Japanese, 936 Simplified Chinese) under which the header's object and counter names are ones
 * {@link CounterNames} knows, ties broken by how plausible the text's other letters are.
 *
 * <p>Hand-written: general detectors (ICU's CharsetDetector, juniversalchardet) guess from letter
 * statistics, which a header of a few short names defeats; the names this header must contain decide
 * with certainty where a statistical guess would not.
 */
public final class CharsetSniffer {
    /** Windows-1252, the Western European ANSI code page (English, German, French, Spanish, Italian, Portuguese). */
    public static final Charset WINDOWS_1252 = Charset.forName("windows-1252");
    /** Windows-1251, the Cyrillic ANSI code page. */
    public static final Charset WINDOWS_1251 = Charset.forName("windows-1251");
    /** Code page 932, Windows' Shift-JIS (Japanese). */
    public static final Charset WINDOWS_932 = Charset.forName("windows-31j");
    /** Code page 936, Windows' GBK (Simplified Chinese). */
    public static final Charset WINDOWS_936 = Charset.forName("x-mswin-936");
    /** The ANSI code pages tried, in the order that breaks a tie. */
    public static final List<Charset> ANSI = List.of(WINDOWS_1252, WINDOWS_1251, WINDOWS_932, WINDOWS_936);

    private static final Pattern PATH = Pattern.compile("\\\\\\\\[^\\\\\",]*\\\\([^\\\\\"]+)\\\\([^\"]+)\"");

    private CharsetSniffer() {}

    /** The detected encoding of a file that starts with {@code head} ({@code length} bytes used). */
    public static Charset detect(byte[] head, int length) {
        if (length >= 3 && (head[0] & 0xff) == 0xEF && (head[1] & 0xff) == 0xBB && (head[2] & 0xff) == 0xBF) return StandardCharsets.UTF_8;
        if (length >= 2 && (head[0] & 0xff) == 0xFF && (head[1] & 0xff) == 0xFE) return StandardCharsets.UTF_16LE;
        if (length >= 2 && (head[0] & 0xff) == 0xFE && (head[1] & 0xff) == 0xFF) return StandardCharsets.UTF_16BE;
        Charset utf16 = utf16WithoutBom(head, length);
        if (utf16 != null) return utf16;
        if (decodes(StandardCharsets.UTF_8, head, length) != null) return StandardCharsets.UTF_8;
        Charset best = null;
        long bestScore = Long.MIN_VALUE;
        for (Charset cs : ANSI) {
            String text = decodes(cs, head, length);
            if (text == null) continue;
            long score = 1_000_000L * knownNames(text) + plausibility(text);
            if (score > bestScore) {
                best = cs;
                bestScore = score;
            }
        }
        // No candidate decodes every byte: the reader will say where the file stops being text.
        return best != null ? best : WINDOWS_1252;
    }

    /** UTF-16 without a byte-order mark: ASCII text has a zero byte in every other place. */
    private static Charset utf16WithoutBom(byte[] head, int length) {
        int n = Math.min(length, 512) & ~1;
        if (n < 2) return null;
        int evenZero = 0, oddZero = 0;
        for (int i = 0; i < n; i += 2) {
            if (head[i] == 0) evenZero++;
            if (head[i + 1] == 0) oddZero++;
        }
        int pairs = n / 2;
        if (oddZero * 10 >= pairs * 9 && evenZero == 0) return StandardCharsets.UTF_16LE;
        if (evenZero * 10 >= pairs * 9 && oddZero == 0) return StandardCharsets.UTF_16BE;
        return null;
    }

    /** {@code head} decoded strictly in {@code cs} (a character cut by the end of the window is dropped), or null if it is not valid there. */
    static String decodes(Charset cs, byte[] head, int length) {
        CharsetDecoder d = cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer out = CharBuffer.allocate(length + 16);
        CoderResult r = d.decode(ByteBuffer.wrap(head, 0, length), out, false);
        if (r.isError()) return null;
        out.flip();
        return out.toString();
    }

    /** How many object and counter names of the header line the counter table knows. */
    private static int knownNames(String text) {
        int nl = text.indexOf('\n');
        String header = nl < 0 ? text : text.substring(0, nl);
        int known = 0;
        Matcher m = PATH.matcher(header);
        while (m.find()) {
            String objectPart = m.group(1);
            String object = ObjectInstance.of(objectPart).object();
            if (CounterNames.isKnownObject(object)) {
                known++;
                if (CounterNames.isKnownCounter(CounterNames.object(object), m.group(2))) known++;
            }
        }
        return known;
    }

    /**
     * A score of the non-ASCII characters: letters of one script (accented Latin, Cyrillic, CJK, kana) count
     * for, symbols, control characters and half-width katakana (what GBK bytes become in Shift-JIS) against.
     */
    private static long plausibility(String text) {
        long score = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) continue;
            if (c >= 0x3040 && c <= 0x30FF) score += 2; // hiragana, katakana
            else if ((c >= 0x00C0 && c <= 0x024F && c != 0xD7 && c != 0xF7) || (c >= 0x0400 && c <= 0x04FF) || (c >= 0x4E00 && c <= 0x9FFF)) score += 1;
            else if (c >= 0xFF61 && c <= 0xFF9F) score -= 1;
            else score -= 2;
        }
        return score;
    }

    /** Number of bytes of byte-order mark at the start of {@code head} for {@code charset}. */
    public static int bomLength(byte[] head, int length, Charset charset) {
        if (charset.equals(StandardCharsets.UTF_8) && length >= 3 && (head[0] & 0xff) == 0xEF && (head[1] & 0xff) == 0xBB && (head[2] & 0xff) == 0xBF) return 3;
        if ((charset.equals(StandardCharsets.UTF_16LE) && length >= 2 && (head[0] & 0xff) == 0xFF && (head[1] & 0xff) == 0xFE)
                || (charset.equals(StandardCharsets.UTF_16BE) && length >= 2 && (head[0] & 0xff) == 0xFE && (head[1] & 0xff) == 0xFF)) return 2;
        return 0;
    }

    /**
     * The charset named {@code name}, with Windows' code page names ({@code cp1252}, {@code cp1251}, {@code cp932},
     * {@code cp936}, {@code utf-16}) understood; an IllegalArgumentException names the ones that work.
     */
    public static Charset forName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "cp932", "932", "shift-jis", "shift_jis", "sjis": return WINDOWS_932;
            case "cp936", "936", "gbk", "gb2312": return WINDOWS_936;
            case "utf-16", "utf16", "unicode": return StandardCharsets.UTF_16LE;
            default: break;
        }
        if (n.matches("(cp)?125[0-8]")) n = "windows-" + n.replaceAll("\\D", "");
        try {
            return Charset.forName(n);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new IllegalArgumentException("unknown encoding '" + name + "': expected UTF-8, UTF-16LE, UTF-16BE, cp1252, cp1251, cp932, cp936"
                    + " or another name Java knows");
        }
    }
}
