package dev.memvisor.qemu.cpu;

/** A line of the guest CPU reporter's output that is not what the format (README, outputs-real-hosts) allows. */
public final class CpuReportFormatException extends RuntimeException {
    private final String source;
    private final long line;

    /** {@code source} names the file or stream, {@code line} is 1-based, {@code expected} says what should have been there. */
    public CpuReportFormatException(String source, long line, String expected) {
        super(source + ":" + line + ": expected " + expected);
        this.source = source;
        this.line = line;
    }

    /** The file or stream. */
    public String source() { return source; }

    /** The 1-based line number. */
    public long line() { return line; }
}
