package dev.memvisor.qemu.cpu;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Follows a file another process appends to (QEMU's {@code -serial file:} log): each poll returns the
 * complete lines added since the last one; a partial last line waits for its newline.
 */
public final class FileTail {
    private final Path file;
    private long position;
    private long linesBefore;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

    private FileTail(Path file, long position, long linesBefore) {
        this.file = file;
        this.position = position;
        this.linesBefore = linesBefore;
    }

    /** Follows {@code file} from its beginning. */
    public static FileTail fromStart(Path file) {
        return new FileTail(file, 0, 0);
    }

    /** Follows {@code file} from its current end, counting the lines already there so line numbers stay true. */
    public static FileTail fromEnd(Path file) {
        try {
            byte[] existing = Files.readAllBytes(file);
            int end = existing.length;
            // Start after the last complete line; a half-written line is read in full later.
            while (end > 0 && existing[end - 1] != '\n') end--;
            long lines = 0;
            for (int i = 0; i < end; i++) if (existing[i] == '\n') lines++;
            return new FileTail(file, end, lines);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The file. */
    public Path file() { return file; }

    /** The number the next line returned will have (1-based). */
    public long nextLineNumber() { return linesBefore + 1; }

    /**
     * The complete lines appended since the last poll (without their newlines).
     *
     * @throws IllegalStateException when the file shrank (the guest was restarted and its log recreated)
     */
    public List<String> poll() {
        List<String> lines = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < position) throw new IllegalStateException(file + " shrank from " + position + " to " + size + " bytes: the guest was restarted");
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            while (position < size) {
                buf.clear();
                int n = ch.read(buf, position);
                if (n <= 0) break;
                position += n;
                for (int i = 0; i < n; i++) {
                    byte b = buf.get(i);
                    if (b == '\n') {
                        lines.add(partial.toString(StandardCharsets.ISO_8859_1));
                        partial.reset();
                    } else {
                        partial.write(b);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        linesBefore += lines.size();
        return lines;
    }
}
