package dev.memvisor.measure.simcpu;

import dev.memvisor.measure.FileFormatException;
import dev.memvisor.measure.TextInput;
import dev.memvisor.measure.ValueRange;
import dev.memvisor.measure.pdh.CsvRecordReader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the simulator's {@code cpu.csv}: header {@value #HEADER}, one row per sample per VM per guest
 * process plus a {@code _Total} row per VM and sample.
 */
public final class SimCpuCsvReader {
    /** The exact header the simulator writes. */
    public static final String HEADER = "timeSeconds,vm,vcpus,process,trueCpuPct,reportedCpuPct,hostCpuPct";
    /** The process name of a VM's total row. */
    public static final String TOTAL = "_Total";

    private SimCpuCsvReader() {}

    /** True if {@code file} starts with the cpu.csv header. */
    public static boolean looksLikeSimCpuCsv(Path file) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String first = r.readLine();
            return first != null && first.replace("\uFEFF", "").trim().equals(HEADER);
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /** The longest simulated time read, in seconds (a thousand years); vCPUs per VM at most. */
    private static final double MAX_SECONDS = 3.2e10;
    private static final int MAX_VCPUS = 4096;

    /** Reads every VM in {@code file}, in the order they first appear. */
    public static Map<String, SimVmCpu> read(Path file) {
        Map<String, Builder> vms = new LinkedHashMap<>();
        try (CsvRecordReader r = new CsvRecordReader(TextInput.open(file, StandardCharsets.UTF_8, "the simulator's cpu.csv").reader(), file)) {
            if (!r.next()) throw new FileFormatException(file, 1, "the header '" + HEADER + "', got an empty file");
            String header = String.join(",", fields(r)).replace("\uFEFF", "");
            if (!header.equals(HEADER)) throw new FileFormatException(file, 1, "the header '" + HEADER + "', got '" + header + "'");
            String[] names = HEADER.split(",");
            while (r.next()) {
                if (r.fieldCount() != 7) throw new FileFormatException(file, r.line(), "7 fields (" + HEADER + "), got " + r.fieldCount());
                double t = r.number(0, names[0]);
                String vm = r.field(1).trim();
                double vcpus = r.number(2, names[2]);
                String process = r.field(3).trim();
                if (!(t >= 0 && t <= MAX_SECONDS) || vm.isEmpty() || process.isEmpty() || !(vcpus >= 1 && vcpus <= MAX_VCPUS) || vcpus != Math.rint(vcpus)) {
                    throw new FileFormatException(file, r.line(), "a time from 0 to " + ValueRange.show(MAX_SECONDS) + " s, a VM name, a whole number of vCPUs"
                            + " from 1 to " + MAX_VCPUS + " and a process name");
                }
                double truePct = percent(r, 4, names), reported = percent(r, 5, names), host = percent(r, 6, names);
                Builder b = vms.computeIfAbsent(vm, v -> new Builder(v, (int) vcpus));
                if (b.vcpus != (int) vcpus) throw new FileFormatException(file, r.line(), "VM " + vm + " with " + b.vcpus + " vCPUs as on earlier rows, got " + (int) vcpus);
                b.add(file, r.line(), Math.round(t * 1000), process, truePct, reported, host);
            }
        }
        if (vms.isEmpty()) throw new FileFormatException(file, 2, "at least one sample row after the header, got none");
        Map<String, SimVmCpu> out = new LinkedHashMap<>();
        vms.forEach((name, b) -> out.put(name, b.build(file)));
        return out;
    }

    /** Field {@code i} as a percentage of one processor, NaN if blank; out of range is an error naming the line and column. */
    private static double percent(CsvRecordReader r, int i, String[] names) {
        double v = r.number(i, names[i]);
        if (!ValueRange.PERCENT_OF_ONE_PROCESSOR.allows(v)) {
            throw new FileFormatException(r.file(), r.line(), ValueRange.PERCENT_OF_ONE_PROCESSOR.expectation() + " in column " + (i + 1) + " ("
                    + names[i] + "), got '" + r.field(i).trim() + "'");
        }
        return v;
    }

    private static List<String> fields(CsvRecordReader r) {
        List<String> f = new ArrayList<>();
        for (int i = 0; i < r.fieldCount(); i++) f.add(r.field(i).trim());
        return f;
    }

    /** Collects one VM's rows; samples are keyed by time, processes by name. */
    private static final class Builder {
        final String vm;
        final int vcpus;
        long[] times = new long[64];
        int n;
        double[] host = new double[64], trueTotal = new double[64], reportedTotal = new double[64];
        final Map<String, double[][]> procs = new LinkedHashMap<>(); // name -> {true[], reported[]}

        Builder(String vm, int vcpus) {
            this.vm = vm;
            this.vcpus = vcpus;
        }

        void add(Path file, long line, long t, String process, double truePct, double reported, double hostPct) {
            if (n == 0 || times[n - 1] != t) {
                if (n > 0 && t < times[n - 1]) throw new FileFormatException(file, line, "rows in time order, got " + t / 1000.0 + " s after " + times[n - 1] / 1000.0 + " s for VM " + vm);
                if (n == times.length) grow();
                times[n] = t;
                host[n] = Double.NaN;
                trueTotal[n] = Double.NaN;
                reportedTotal[n] = Double.NaN;
                n++;
            }
            int i = n - 1;
            if (process.equals(TOTAL)) {
                trueTotal[i] = truePct;
                reportedTotal[i] = reported;
                host[i] = hostPct;
            } else {
                double[][] p = procs.computeIfAbsent(process, k -> new double[][] {nans(times.length), nans(times.length)});
                if (p[0].length < times.length) {
                    p[0] = grownNaN(p[0], times.length);
                    p[1] = grownNaN(p[1], times.length);
                }
                p[0][i] = truePct;
                p[1][i] = reported;
                if (Double.isNaN(host[i])) host[i] = hostPct;
            }
        }

        void grow() {
            int m = times.length * 2;
            times = Arrays.copyOf(times, m);
            host = Arrays.copyOf(host, m);
            trueTotal = Arrays.copyOf(trueTotal, m);
            reportedTotal = Arrays.copyOf(reportedTotal, m);
        }

        SimVmCpu build(Path file) {
            Map<String, double[]> t = new LinkedHashMap<>(), r = new LinkedHashMap<>();
            procs.forEach((name, p) -> {
                t.put(name, Arrays.copyOf(grownNaN(p[0], n), n));
                r.put(name, Arrays.copyOf(grownNaN(p[1], n), n));
            });
            for (int i = 0; i < n; i++) {
                if (Double.isNaN(reportedTotal[i])) {
                    throw new FileFormatException(file, 0, "a _Total row for VM " + vm + " at every sample, none at " + times[i] / 1000.0 + " s");
                }
            }
            return new SimVmCpu(vm, vcpus, Arrays.copyOf(times, n), Arrays.copyOf(host, n), Arrays.copyOf(trueTotal, n),
                    Arrays.copyOf(reportedTotal, n), t, r);
        }

        static double[] nans(int len) {
            double[] a = new double[len];
            Arrays.fill(a, Double.NaN);
            return a;
        }

        static double[] grownNaN(double[] a, int len) {
            if (a.length >= len) return a;
            double[] b = nans(len);
            System.arraycopy(a, 0, b, 0, a.length);
            return b;
        }
    }
}
