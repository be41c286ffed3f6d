package dev.memvisor.qemu.cpu;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Streaming parser of the guest CPU reporter's lines (mvload cpu; format in the README's outputs-real-hosts
 * section): {@code MVCPU MS cpu F1..Fn}, then {@code MVPROC MS PID COMM UTIME STIME} per process, then
 * {@code MVEND MS HZ}. Feed it lines one at a time; it returns each block when its MVEND arrives.
 * A malformed line throws {@link CpuReportFormatException} with the line number and what was expected.
 * Blank lines and a trailing carriage return (the serial tty's ONLCR) are accepted.
 */
public final class CpuReportParser {
    private final String source;
    private boolean resync;
    private long line;
    private long lastBlockMillis = Long.MIN_VALUE;
    // The block being read: null between blocks.
    private long[] cpu;
    private long blockMillis;
    private long blockLine;
    private final List<ProcessTicks> procs = new ArrayList<>();

    /**
     * A parser for {@code source} (named in messages) whose first line is line {@code firstLine}.
     *
     * @param resync true when reading starts mid-stream: lines before the first MVCPU are skipped, not errors
     */
    public CpuReportParser(String source, long firstLine, boolean resync) {
        this.source = source;
        this.line = firstLine - 1;
        this.resync = resync;
    }

    /** A parser for a whole stream from its first line. */
    public CpuReportParser(String source) {
        this(source, 1, false);
    }

    /** The number of the last line accepted. */
    public long line() { return line; }

    /** Whether the parser has found its first block (always, unless it was made to resync and no MVCPU came yet). */
    public boolean synced() { return !resync; }

    /** Whether a block is open (its MVCPU line read, its MVEND not yet). */
    public boolean inBlock() { return cpu != null; }

    /** Parses every complete block of a file; an unfinished last block (the writer stopped mid-block) is left out. */
    public static List<CpuReport> parse(Path file) {
        CpuReportParser p = new CpuReportParser(file.toString());
        List<CpuReport> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            for (String l = r.readLine(); l != null; l = r.readLine()) p.accept(l).ifPresent(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Takes the next line; returns the block it completes, if it is an MVEND line. */
    public Optional<CpuReport> accept(String text) {
        line++;
        String l = text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
        if (l.isBlank()) return Optional.empty();
        String[] f = l.split(" ", -1);
        if (resync) {
            if (!f[0].equals("MVCPU")) return Optional.empty();
            resync = false;
        }
        switch (f[0]) {
            case "MVCPU" -> {
                if (cpu != null) throw error("MVPROC or MVEND to end the block opened at line " + blockLine + ", got MVCPU");
                if (f.length < 7 || !f[2].equals("cpu")) throw error("'MVCPU MS cpu USER NICE SYSTEM IDLE ...' (at least 4 counters), got '" + l + "'");
                long ms = number(f[1], "MS (guest boot time in ms)");
                if (ms <= lastBlockMillis) {
                    throw error("MS after the previous block's " + lastBlockMillis + " (the guest rebooted or the log was mixed up), got " + ms);
                }
                long[] c = new long[f.length - 3];
                String[] names = {"USER", "NICE", "SYSTEM", "IDLE", "IOWAIT", "IRQ", "SOFTIRQ", "STEAL", "GUEST", "GUEST_NICE"};
                for (int i = 0; i < c.length; i++) c[i] = number(f[i + 3], i < names.length ? names[i] : "counter " + (i + 1));
                cpu = c;
                blockMillis = ms;
                blockLine = line;
                procs.clear();
                return Optional.empty();
            }
            case "MVPROC" -> {
                if (cpu == null) throw error("MVCPU to open a block before MVPROC");
                if (f.length != 6) throw error("'MVPROC MS PID COMM UTIME STIME' (6 fields), got " + f.length + ": '" + l + "'");
                sameMillis(f[1]);
                if (f[3].isEmpty()) throw error("a COMM name in field 4, got an empty one");
                procs.add(new ProcessTicks(number(f[2], "PID"), f[3], number(f[4], "UTIME"), number(f[5], "STIME")));
                return Optional.empty();
            }
            case "MVEND" -> {
                if (cpu == null) throw error("MVCPU to open a block before MVEND");
                if (f.length != 3) throw error("'MVEND MS HZ' (3 fields), got '" + l + "'");
                sameMillis(f[1]);
                long hz = number(f[2], "HZ");
                if (hz <= 0) throw error("HZ (clock ticks per second) above 0, got " + hz);
                CpuReport r = new CpuReport(blockMillis, cpu, procs, hz, blockLine);
                lastBlockMillis = blockMillis;
                cpu = null;
                procs.clear();
                return Optional.of(r);
            }
            default -> throw error("a line starting with MVCPU, MVPROC or MVEND, got '" + abbreviate(l) + "'");
        }
    }

    private void sameMillis(String field) {
        long ms = number(field, "MS");
        if (ms != blockMillis) throw error("MS " + blockMillis + " as on the block's MVCPU line " + blockLine + ", got " + ms);
    }

    private long number(String s, String what) {
        try {
            long v = Long.parseLong(s);
            if (v < 0) throw error(what + " as a non-negative integer, got '" + s + "'");
            return v;
        } catch (NumberFormatException e) {
            throw error(what + " as a non-negative integer, got '" + abbreviate(s) + "'");
        }
    }

    private CpuReportFormatException error(String expected) {
        return new CpuReportFormatException(source, line, expected);
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
