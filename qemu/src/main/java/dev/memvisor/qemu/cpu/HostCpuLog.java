package dev.memvisor.qemu.cpu;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The host side of a CPU measurement as CSV, one row per guest report:
 * {@code time,guestBootMs,vcpuTicks,vcpuThreads} (ISO-8601 UTC instant, the report's guest boot time in ms,
 * the vCPU threads' utime + stime in USER_HZ ticks, their number).
 */
public final class HostCpuLog {
    /** The header line. */
    public static final String HEADER = "time,guestBootMs,vcpuTicks,vcpuThreads";

    private HostCpuLog() {}

    /** One CSV row for a sample. */
    public static String row(HostCpuSample s) {
        return Instant.ofEpochMilli(s.epochMillis()) + "," + s.guestBootMillis() + "," + s.vcpuTicks() + "," + s.vcpuThreads();
    }

    /** Writes the header and rows. */
    public static void write(Writer out, List<HostCpuSample> samples) throws IOException {
        out.write(HEADER + "\n");
        for (HostCpuSample s : samples) out.write(row(s) + "\n");
        out.flush();
    }

    /** Reads a host log; errors name the file, the line and what was expected. */
    public static List<HostCpuSample> read(Path file) {
        List<HostCpuSample> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            if (header == null || !header.trim().equals(HEADER)) {
                throw new CpuReportFormatException(file.toString(), 1, "the header '" + HEADER + "', got '" + header + "'");
            }
            long line = 1;
            for (String l = r.readLine(); l != null; l = r.readLine()) {
                line++;
                if (l.isBlank()) continue;
                String[] f = l.trim().split(",", -1);
                if (f.length != 4) throw new CpuReportFormatException(file.toString(), line, "4 fields (" + HEADER + "), got " + f.length);
                long t;
                try {
                    t = Instant.parse(f[0]).toEpochMilli();
                } catch (DateTimeParseException e) {
                    throw new CpuReportFormatException(file.toString(), line, "an ISO-8601 instant such as 2026-01-31T12:00:00.250Z in 'time', got '" + f[0] + "'");
                }
                long boot = number(file, line, f[1], "guestBootMs");
                long ticks = number(file, line, f[2], "vcpuTicks");
                long threads = number(file, line, f[3], "vcpuThreads");
                if (!out.isEmpty()) {
                    HostCpuSample prev = out.get(out.size() - 1);
                    if (t <= prev.epochMillis()) throw new CpuReportFormatException(file.toString(), line, "a time after the previous row's " + Instant.ofEpochMilli(prev.epochMillis()));
                    if (ticks < prev.vcpuTicks()) throw new CpuReportFormatException(file.toString(), line, "vcpuTicks not below the previous row's " + prev.vcpuTicks() + ", got " + ticks);
                }
                out.add(new HostCpuSample(t, boot, ticks, (int) threads));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static long number(Path file, long line, String s, String field) {
        try {
            long v = Long.parseLong(s.trim());
            if (v >= 0) return v;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CpuReportFormatException(file.toString(), line, "a non-negative integer in '" + field + "', got '" + s + "'");
    }
}
