package dev.memvisor.measure.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;

/** Writes an esxtop-shaped PDH-CSV file (Group Memory, Group Cpu and Vcpu columns per VM) for benchmarks and scale tests. */
public final class SyntheticEsxtop {
    static final String[] MEMORY = {"Memctl MBytes", "Memctl Target MBytes", "Swapped MBytes", "Swap Read MBytes/sec", "Swap Written MBytes/sec",
            "Shared MBytes", "Shared Saved MBytes", "Zero MBytes", "Memory Granted Size MBytes", "Memory Consumed Size MBytes", "Touched MBytes",
            "Memory Size MBytes", "Compressed Memory MBytes", "Overhead MBytes", "Commit Target MBytes", "Numa % Local"};
    static final String[] CPU = {"Members", "% Used", "% Run", "% System", "% Wait", "% Ready", "% Idle", "% CoStop", "% Max Limited", "Switches/sec"};

    private SyntheticEsxtop() {}

    /** Writes {@code samples} rows for {@code vms} VMs of 2 vCPUs each to {@code file}; returns its size in bytes. */
    public static long write(Path file, int vms, int samples, long seed) throws IOException {
        Random rnd = new Random(seed);
        int cols = 0;
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("\"(PDH-CSV 4.0) (UTC)(0)\",\"\\\\bench\\Memory\\Free MBytes\"");
            cols++;
            for (int v = 0; v < vms; v++) {
                String inst = (1000 + v) + ":vm" + v;
                for (int c = 0; c < 2; c++) {
                    for (String k : CPU) { w.write(",\"\\\\bench\\Vcpu(" + inst + ":" + (5000 + v * 2 + c) + ":vmx-vcpu-" + c + ":vm" + v + ")\\" + k + "\""); cols++; }
                }
                for (String k : CPU) { w.write(",\"\\\\bench\\Group Cpu(" + inst + ")\\" + k + "\""); cols++; }
                for (String k : MEMORY) { w.write(",\"\\\\bench\\Group Memory(" + inst + ")\\" + k + "\""); cols++; }
            }
            w.write("\n");
            DateTimeFormatter f = DateTimeFormatter.ofPattern("MM/dd/yyyy HH:mm:ss", Locale.ROOT);
            LocalDateTime t = LocalDateTime.of(2024, 1, 1, 0, 0);
            for (int s = 0; s < samples; s++) {
                w.write('"');
                w.write(f.format(t.plusSeconds(5L * s)));
                w.write('"');
                for (int c = 0; c < cols; c++) {
                    w.write(",\"");
                    w.write(String.format(Locale.ROOT, "%.2f", rnd.nextDouble() * 1000));
                    w.write('"');
                }
                w.write("\n");
            }
        }
        return Files.size(file);
    }
}
