package dev.memvisor.sim.trace;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Shared base of the text trace readers: opens plain or gzip files and hands each non-blank line to a parser. */
public abstract class TextTraceReader {
    /** Handles one line; {@code lineNr} counts from 1 for messages. */
    protected abstract void line(String line, long lineNr);

    /** Reads every line of {@code file}, stopping after {@code maxLines} lines when it is positive. */
    public final void readLines(Path file, long maxLines) {
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
            String s;
            long nr = 0, used = 0;
            while ((s = r.readLine()) != null) {
                nr++;
                if (s.isBlank()) continue;
                line(s, nr);
                if (maxLines > 0 && ++used >= maxLines) break;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read trace (" + e.getMessage() + ")", e);
        }
    }

    /** An error naming the file position and what was expected. */
    protected static IllegalArgumentException bad(long lineNr, String line, String expected) {
        return new IllegalArgumentException("line " + lineNr + ": got '" + line + "', expected " + expected);
    }
}
