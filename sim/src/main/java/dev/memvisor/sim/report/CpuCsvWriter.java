package dev.memvisor.sim.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes cpu.csv, the CPU ground truth for validating guest-counter correction: per sample, per
 * VM, a row per guest process and a row {@code _Total}; percentages are of one processor.
 */
public final class CpuCsvWriter {
    /** The header, exactly. */
    public static final String HEADER = "timeSeconds,vm,vcpus,process,trueCpuPct,reportedCpuPct,hostCpuPct";

    private CpuCsvWriter() {}

    /** Writes {@code cpu.csv} into {@code dir}. */
    public static void write(SimResult r, Path dir) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("cpu.csv"))) {
            w.write(HEADER + "\n");
            for (int s = 0; s < r.times.size(); s++) {
                String t = Num.fmt(r.times.get(s), 3);
                for (SimResult.VmRecord v : r.vms) {
                    String host = Num.fmt(v.hostCpu.get(s), 3);
                    for (int p = 0; p < v.processes.size(); p++) {
                        w.write(t + "," + v.name + "," + v.vcpus + "," + v.processes.get(p) + ","
                                + Num.fmt(v.trueCpu.get(p).get(s), 3) + "," + Num.fmt(v.reportedCpu.get(p).get(s), 3) + "," + host + "\n");
                    }
                }
            }
        }
    }
}
