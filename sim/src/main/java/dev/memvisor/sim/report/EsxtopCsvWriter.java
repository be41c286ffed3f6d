package dev.memvisor.sim.report;

import dev.memvisor.core.counter.Counter;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Writes esxtop.csv in esxtop batch form (PDH-CSV 4.0, as {@code esxtop -b} writes it): one row per
 * sample, one quoted column per host counter and per VM counter, named through core's counter catalogue
 * ({@code \\memvisor-sim\Group Memory(ID:vm)\Memory Granted Size MBytes} and so on); Kernel State has
 * ESXi 6's numbering (0 high, 1 clear, 2 soft, 3 hard, 4 low). Timestamps start at a fixed date so files
 * are reproducible.
 */
public final class EsxtopCsvWriter {
    /** The host name in counter paths. */
    public static final String HOST = "memvisor-sim";
    /** Simulated time 0. */
    static final LocalDateTime EPOCH = LocalDateTime.of(2026, 1, 1, 0, 0, 0);
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("MM/dd/yyyy HH:mm:ss");

    private EsxtopCsvWriter() {}

    /** Writes {@code esxtop.csv} into {@code dir}. */
    public static void write(SimResult r, Path dir) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("esxtop.csv"))) {
            StringBuilder h = new StringBuilder("\"(PDH-CSV 4.0) (UTC)(0)\"");
            for (Counter c : SimCounters.HOST) {
                h.append(",\"\\\\").append(HOST).append('\\').append(c.object()).append('\\').append(c.batchCounter()).append('"');
            }
            for (int i = 0; i < r.vms.size(); i++) {
                String group = (1000 + i) + ":" + r.vms.get(i).name;
                for (Counter c : SimCounters.VM) {
                    h.append(",\"\\\\").append(HOST).append('\\').append(c.object()).append('(').append(group).append(")\\")
                            .append(c.batchCounter()).append('"');
                }
            }
            w.write(h.append('\n').toString());
            for (int s = 0; s < r.times.size(); s++) {
                LocalDateTime t = EPOCH.plusNanos((long) (r.times.get(s) * 1e9));
                StringBuilder row = new StringBuilder("\"").append(TS.format(t)).append('"');
                for (Counter c : SimCounters.HOST) row.append(",\"").append(Num.fmt(r.series(c).get(s), 2)).append('"');
                for (SimResult.VmRecord v : r.vms) {
                    for (Counter c : SimCounters.VM) row.append(",\"").append(Num.fmt(v.series(c).get(s), 2)).append('"');
                }
                w.write(row.append('\n').toString());
            }
        }
    }
}
