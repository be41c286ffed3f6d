package dev.memvisor.settings;

/**
 * A settings file that cannot be used: the message names the file, the line (or the {@code --set} that
 * gave the value), the key and what was expected, as {@code host.yaml:12: field vms[1].limit: got 0,
 * expected a size >= 1M}.
 */
public class SettingsException extends RuntimeException {
    private final String file;
    private final int line;
    private final String setBy;
    private final String key;
    private final String detail;

    /**
     * Creates the exception.
     *
     * @param file   the file's name as the user gave it
     * @param line   the 1-based line, or 0 when unknown or the value came from {@code --set}
     * @param setBy  the {@code --set PATH=VALUE} (or option) that gave the value, or null
     * @param key    the dotted key ({@code vms[0].memory}), or empty for the whole file
     * @param detail what is wrong and what was expected
     */
    public SettingsException(String file, int line, String setBy, String key, String detail) {
        super(file + (line > 0 ? ":" + line : "") + ": " + (setBy != null ? "(" + setBy + ") " : "")
                + (key.isEmpty() ? "" : "field " + key + ": ") + detail);
        this.file = file;
        this.line = line;
        this.setBy = setBy;
        this.key = key;
        this.detail = detail;
    }

    /** The file's name. */
    public String file() { return file; }

    /** The 1-based line, or 0 when unknown. */
    public int line() { return line; }

    /** The {@code --set} (or option) that gave the value, or null. */
    public String setBy() { return setBy; }

    /** The dotted key, or empty for the whole file. */
    public String key() { return key; }

    /** What is wrong, without the file, line and key. */
    public String detail() { return detail; }
}
