package dev.memvisor.qemu.collect;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The host's CPU time since boot from the {@code cpu} line of /proc/stat, in clock ticks (USER_HZ):
 * all of it, and the idle part (idle + iowait), so utilisation between two readings is
 * 1 - idle delta / total delta (esxtop's Physical Cpu(_Total) % Util Time). Source: proc(5), /proc/stat.
 *
 * @param totalTicks user + nice + system + idle + iowait + irq + softirq + steal
 * @param idleTicks  idle + iowait
 */
public record HostCpuTimes(long totalTicks, long idleTicks) {

    /**
     * Reads {@code procRoot/stat}.
     *
     * @throws UncheckedIOException when it cannot be read
     * @throws IllegalStateException naming the file when it has no cpu line
     */
    public static HostCpuTimes read(Path procRoot) {
        Path stat = procRoot.resolve("stat");
        try {
            return parse(stat, Files.readString(stat));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + stat + ": " + e.getMessage(), e);
        }
    }

    static HostCpuTimes parse(Path where, String text) {
        for (String line : text.split("\n")) {
            if (!line.startsWith("cpu ")) continue;
            String[] f = line.trim().split("\\s+");
            long total = 0;
            // guest and guest_nice (fields 9 and 10) are already counted in user and nice
            for (int i = 1; i < Math.min(f.length, 9); i++) total += Long.parseLong(f[i]);
            long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
            return new HostCpuTimes(total, idle);
        }
        throw new IllegalStateException(where + ": no 'cpu' line");
    }
}
