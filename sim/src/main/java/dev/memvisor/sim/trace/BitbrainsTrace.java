package dev.memvisor.sim.trace;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * One Bitbrains GWA-T-12 VM trace (rows every 300 s, {@code ;\t}-separated): per row the trace
 * time, CPU demand in cores and memory used in bytes, and what the VM was provisioned with.
 *
 * @param startEpochSeconds the first row's timestamp (Unix seconds), to align VMs of one fleet
 * @param seconds           row time, seconds since the first row
 * @param cpuCores          cores busy (CPU cores x CPU usage %)
 * @param usedBytes         memory used
 * @param provisionedBytes  memory provisioned (the VM's configured memory; 0 in a few rows)
 * @param cores             CPU cores provisioned
 */
public record BitbrainsTrace(long startEpochSeconds, long[] seconds, double[] cpuCores, long[] usedBytes,
                             long[] provisionedBytes, int[] cores) {

    /** Reads a {@code N.csv.gz} file. */
    public static BitbrainsTrace read(Path file) {
        Reader r = new Reader();
        r.readLines(file, 0);
        if (r.n == 0) throw new IllegalArgumentException(file + ": no data rows");
        return new BitbrainsTrace(r.first, Arrays.copyOf(r.t, r.n), Arrays.copyOf(r.cpu, r.n), Arrays.copyOf(r.mem, r.n),
                Arrays.copyOf(r.prov, r.n), Arrays.copyOf(r.cores, r.n));
    }

    /** The row in effect at {@code second} of trace time (the last row after the end). */
    public int rowAt(double second) {
        int i = Arrays.binarySearch(seconds, (long) Math.floor(second));
        if (i < 0) i = Math.max(0, -i - 2);
        return Math.min(i, seconds.length - 1);
    }

    private static final class Reader extends TextTraceReader {
        long[] t = new long[1024];
        double[] cpu = new double[1024];
        long[] mem = new long[1024];
        long[] prov = new long[1024];
        int[] cores = new int[1024];
        int n;
        long first = Long.MIN_VALUE;

        @Override
        protected void line(String line, long nr) {
            if (nr == 1 && line.startsWith("Timestamp")) return;
            String[] f = line.split(";\\s*");
            if (f.length < 7) throw bad(nr, line, "11 ';'-separated fields: timestamp, cores, capacity, usage MHz, usage %, memory provisioned KB, used KB, ...");
            try {
                long ts = Long.parseLong(f[0].trim());
                if (first == Long.MIN_VALUE) first = ts;
                if (n == t.length) {
                    t = Arrays.copyOf(t, n * 2);
                    cpu = Arrays.copyOf(cpu, n * 2);
                    mem = Arrays.copyOf(mem, n * 2);
                    prov = Arrays.copyOf(prov, n * 2);
                    cores = Arrays.copyOf(cores, n * 2);
                }
                long sec = ts - first;
                if (n > 0 && sec <= t[n - 1]) return; // the traces hold a few repeated timestamps; keep the first
                t[n] = sec;
                double c = Double.parseDouble(f[1].trim());
                cpu[n] = c * Double.parseDouble(f[4].trim()) / 100.0;
                mem[n] = (long) (Double.parseDouble(f[6].trim()) * 1024);
                prov[n] = (long) (Double.parseDouble(f[5].trim()) * 1024);
                cores[n] = (int) Math.round(c);
                n++;
            } catch (NumberFormatException e) {
                throw bad(nr, line, "numbers in the timestamp, cores, usage %, memory provisioned and memory used fields");
            }
        }
    }
}
