package dev.memvisor.measure;

import java.nio.file.Path;

/** A measurement file that does not have the expected form; the message names the file, the line and what was expected. */
public final class FileFormatException extends RuntimeException {
    private final transient Path file;
    private final long line;

    /** Creates an error for {@code line} (1-based, 0 if the whole file) of {@code file}. */
    public FileFormatException(Path file, long line, String expectation) {
        super((file == null ? "<input>" : file.toString()) + (line > 0 ? ":" + line : "") + ": " + expectation);
        this.file = file;
        this.line = line;
    }

    /** The file that is malformed. */
    public Path file() {
        return file;
    }

    /** The 1-based line where the problem is, or 0 if it concerns the whole file. */
    public long line() {
        return line;
    }
}
