package dev.memvisor.qemu.collect;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The host's memory pressure stall information (/proc/pressure/memory); source:
 * Documentation/accounting/psi.rst. Averages are percentages, totals microseconds.
 *
 * @param someAvg10   share of the last 10 s in which some task stalled on memory
 * @param someAvg60   the same over 60 s
 * @param someTotalMicros total stall time of some task
 * @param fullAvg10   share of the last 10 s in which all non-idle tasks stalled
 * @param fullTotalMicros total time all non-idle tasks stalled
 */
public record MemoryPressure(double someAvg10, double someAvg60, long someTotalMicros, double fullAvg10, long fullTotalMicros) {
    /** No PSI on this kernel. */
    public static final MemoryPressure NONE = new MemoryPressure(0, 0, 0, 0, 0);

    /** Parses the file's text. */
    public static MemoryPressure parse(String text) {
        double s10 = 0, s60 = 0, f10 = 0;
        long st = 0, ft = 0;
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 5) continue;
            double a10 = Double.parseDouble(f[1].substring(f[1].indexOf('=') + 1));
            double a60 = Double.parseDouble(f[2].substring(f[2].indexOf('=') + 1));
            long total = Long.parseLong(f[4].substring(f[4].indexOf('=') + 1));
            if (f[0].equals("some")) { s10 = a10; s60 = a60; st = total; }
            else if (f[0].equals("full")) { f10 = a10; ft = total; }
        }
        return new MemoryPressure(s10, s60, st, f10, ft);
    }

    /** Reads {@code procRoot/pressure/memory}, or {@link #NONE} when the kernel has no PSI. */
    public static MemoryPressure read(Path procRoot) {
        Path p = procRoot.resolve("pressure/memory");
        return Files.isReadable(p) ? parse(KeyValueFile.read(p)) : NONE;
    }

    /**
     * Reads a cgroup v2 directory's {@code memory.pressure}: the stalls of its processes only (cgroup-v2.rst,
     * "PSI - Pressure Stall Information"; every v2 cgroup has it, with or without the memory controller).
     *
     * @throws java.io.UncheckedIOException naming the file when it cannot be read (no PSI, or the cgroup is gone)
     */
    public static MemoryPressure readCgroup(Path cgroupDir) {
        return parse(KeyValueFile.read(cgroupDir.resolve("memory.pressure")));
    }
}
